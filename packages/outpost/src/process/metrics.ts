import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** Who this instance is, for the info labels (spec §8). */
export interface InstanceLabels {
  outpostName: string;
  /** The outpost type (`proxy`, `ldap`…). */
  type: string;
  uuid: string;
  version: string;
  build: string;
}

/** The metrics every outpost type shares (spec §8); a module registers its own in `registry`. */
export interface OutpostMetrics {
  readonly registry: Registry;
  /** The outpost's name as last fetched. */
  readonly outpostName: string;
  /** Sets `authentik_outpost_info` (once the outpost's name is known). */
  started(instance: InstanceLabels): void;
  /** A refresh succeeded: `authentik_outpost_last_update` (and the series follow a renamed outpost). */
  updated(outpostName: string): void;
  /** The websocket's state: `authentik_outpost_connection`. */
  connection(isConnected: boolean): void;
}

/** Builds the registry: the shared outpost metrics plus Node's default process metrics. */
export function createOutpostMetrics(): OutpostMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const instanceLabels = ['outpost_name', 'outpost_type', 'uuid', 'version', 'build'] as const;
  const info = new Gauge({
    name: 'authentik_outpost_info',
    help: 'Outpost info',
    labelNames: instanceLabels,
    registers: [registry],
  });
  const lastUpdate = new Gauge({
    name: 'authentik_outpost_last_update',
    help: 'Time of last update',
    labelNames: instanceLabels,
    registers: [registry],
  });
  const connectionGauge = new Gauge({
    name: 'authentik_outpost_connection',
    help: 'Connection status',
    labelNames: ['outpost_name', 'outpost_type', 'uuid'] as const,
    registers: [registry],
  });

  let instance: InstanceLabels | undefined;
  let outpostName = '';
  let isConnected = false;

  const instanceValues = () =>
    instance && {
      outpost_name: outpostName,
      outpost_type: instance.type,
      uuid: instance.uuid,
      version: instance.version,
      build: instance.build,
    };

  function setConnection() {
    if (!instance) return;
    connectionGauge.reset();
    connectionGauge.set(
      { outpost_name: outpostName, outpost_type: instance.type, uuid: instance.uuid },
      Number(isConnected),
    );
  }

  return {
    registry,
    get outpostName() {
      return outpostName;
    },
    started(labels) {
      instance = labels;
      outpostName = labels.outpostName;
      info.reset();
      info.set(instanceValues() ?? {}, 1);
      setConnection();
    },
    updated(name) {
      if (name !== outpostName && instance) {
        // A renamed outpost: the series move to the new name rather than leaving stale ones behind.
        outpostName = name;
        info.reset();
        info.set(instanceValues() ?? {}, 1);
        lastUpdate.reset();
        setConnection();
      }
      const values = instanceValues();
      if (values) lastUpdate.set(values, Math.floor(Date.now() / 1000));
    },
    connection(connected) {
      isConnected = connected;
      setConnection();
    },
  };
}
