/**
 * The RADIUS attributes a property mapping may add to an Access-Accept, by name: the core checks mappings
 * against this dictionary, and the outpost (or anyone) encodes what the core resolved with
 * `encodeReplyAttribute` (radius-attributes.ts). Small on purpose: the reply attributes of RFC 2865 §5.44,
 * the tunnel attributes of RFC 2868 (VLAN assignment, RFC 3580 §3.31), a few of RFC 2869/3162/6911, and the
 * vendor attributes network gear asks for most. Anything else can be given by number.
 */

/** How an attribute's value is encoded (RFC 8044 data types). */
export const RADIUS_DATA_TYPES = ['string', 'octets', 'integer', 'ipv4addr', 'ipv6addr'] as const;
/** One of RADIUS_DATA_TYPES. */
export type RadiusDataType = (typeof RADIUS_DATA_TYPES)[number];

/** One attribute of the dictionary. */
export interface RadiusAttributeDefinition {
  /** The attribute's number (a vendor's own number for a vendor-specific attribute). */
  type: number;
  dataType: RadiusDataType;
  /** RFC 2868 tagged attribute: a tag (0-31) goes before the value. */
  tagged?: boolean;
  /** Names of enumerated values (case-insensitive), for an integer attribute. */
  values?: Record<string, number>;
}

/** A vendor of vendor-specific attributes (RFC 2865 §5.26), by its SMI enterprise number. */
export interface RadiusVendor {
  id: number;
  attributes: Record<string, RadiusAttributeDefinition>;
}

const SERVICE_TYPES = {
  'Login-User': 1,
  'Framed-User': 2,
  'Callback-Login-User': 3,
  'Callback-Framed-User': 4,
  'Outbound-User': 5,
  'Administrative-User': 6,
  'NAS-Prompt-User': 7,
  'Authenticate-Only': 8,
  'Callback-NAS-Prompt': 9,
  'Call-Check': 10,
  'Callback-Administrative': 11,
};

// RFC 2868 §3.1 and RFC 3580 §3.31 (VLAN = 13).
const TUNNEL_TYPES = {
  PPTP: 1,
  L2F: 2,
  L2TP: 3,
  ATMP: 4,
  VTP: 5,
  AH: 6,
  'IP-IP': 7,
  ESP: 9,
  GRE: 10,
  VLAN: 13,
};
// RFC 2868 §3.2 (IEEE-802 = 6 for VLANs).
const TUNNEL_MEDIUM_TYPES = { IPv4: 1, IPv6: 2, NSAP: 3, HDLC: 4, BBN: 5, 'IEEE-802': 6, E163: 7, E164: 8 };

/** The standard attributes a mapping may set, by name. */
export const RADIUS_ATTRIBUTES: Record<string, RadiusAttributeDefinition> = {
  'Service-Type': { type: 6, dataType: 'integer', values: SERVICE_TYPES },
  'Framed-Protocol': {
    type: 7,
    dataType: 'integer',
    values: { PPP: 1, SLIP: 2, ARAP: 3, 'Gandalf-SLML': 4, 'Xylogics-IPX-SLIP': 5, 'X.75-Synchronous': 6 },
  },
  'Framed-IP-Address': { type: 8, dataType: 'ipv4addr' },
  'Framed-IP-Netmask': { type: 9, dataType: 'ipv4addr' },
  'Framed-Routing': {
    type: 10,
    dataType: 'integer',
    values: { None: 0, Broadcast: 1, Listen: 2, 'Broadcast-Listen': 3 },
  },
  'Filter-Id': { type: 11, dataType: 'string' },
  'Framed-MTU': { type: 12, dataType: 'integer' },
  'Framed-Compression': {
    type: 13,
    dataType: 'integer',
    values: { None: 0, 'Van-Jacobson-TCP-IP': 1, 'IPX-Header-Compression': 2, 'Stac-LZS': 3 },
  },
  'Login-IP-Host': { type: 14, dataType: 'ipv4addr' },
  'Login-Service': {
    type: 15,
    dataType: 'integer',
    values: {
      Telnet: 0,
      Rlogin: 1,
      'TCP-Clear': 2,
      PortMaster: 3,
      LAT: 4,
      X25: 5,
      'X25-T3POS': 6,
      'TCP-Clear-Quiet': 8,
    },
  },
  'Login-TCP-Port': { type: 16, dataType: 'integer' },
  'Reply-Message': { type: 18, dataType: 'string' },
  'Callback-Number': { type: 19, dataType: 'string' },
  'Callback-Id': { type: 20, dataType: 'string' },
  'Framed-Route': { type: 22, dataType: 'string' },
  Class: { type: 25, dataType: 'octets' },
  'Session-Timeout': { type: 27, dataType: 'integer' },
  'Idle-Timeout': { type: 28, dataType: 'integer' },
  'Termination-Action': { type: 29, dataType: 'integer', values: { Default: 0, 'RADIUS-Request': 1 } },
  'Port-Limit': { type: 62, dataType: 'integer' },
  'Tunnel-Type': { type: 64, dataType: 'integer', tagged: true, values: TUNNEL_TYPES },
  'Tunnel-Medium-Type': { type: 65, dataType: 'integer', tagged: true, values: TUNNEL_MEDIUM_TYPES },
  'Tunnel-Client-Endpoint': { type: 66, dataType: 'string', tagged: true },
  'Tunnel-Server-Endpoint': { type: 67, dataType: 'string', tagged: true },
  'Tunnel-Private-Group-Id': { type: 81, dataType: 'string', tagged: true },
  'Tunnel-Assignment-Id': { type: 82, dataType: 'string', tagged: true },
  'Tunnel-Preference': { type: 83, dataType: 'integer', tagged: true },
  'Acct-Interim-Interval': { type: 85, dataType: 'integer' },
  'Framed-Pool': { type: 88, dataType: 'string' },
  'Tunnel-Client-Auth-Id': { type: 90, dataType: 'string', tagged: true },
  'Tunnel-Server-Auth-Id': { type: 91, dataType: 'string', tagged: true },
  'Framed-Interface-Id': { type: 96, dataType: 'octets' },
  'Framed-IPv6-Pool': { type: 100, dataType: 'string' },
  'Framed-IPv6-Address': { type: 168, dataType: 'ipv6addr' },
  'DNS-Server-IPv6-Address': { type: 169, dataType: 'ipv6addr' },
};

/**
 * Attribute numbers a mapping may never set, by name or number: the server's own (User-Password, CHAP,
 * State, EAP-Message, Message-Authenticator, Proxy-State), the request's (NAS-*), the encrypted ones
 * (Tunnel-Password, RFC 2868 §3.5), and Vendor-Specific, which is given through `vendor_id`.
 */
export const RADIUS_RESERVED_TYPES: ReadonlySet<number> = new Set([
  1, 2, 3, 4, 5, 24, 26, 30, 31, 32, 33, 60, 61, 69, 79, 80, 87, 95,
]);

/** The vendors whose attributes a mapping may set by name. */
export const RADIUS_VENDORS: Record<string, RadiusVendor> = {
  Cisco: { id: 9, attributes: { 'Cisco-AVPair': { type: 1, dataType: 'string' } } },
  Microsoft: {
    id: 311,
    attributes: {
      'MS-Primary-DNS-Server': { type: 28, dataType: 'ipv4addr' },
      'MS-Secondary-DNS-Server': { type: 29, dataType: 'ipv4addr' },
    },
  },
  Juniper: { id: 2636, attributes: { 'Juniper-Local-User-Name': { type: 1, dataType: 'string' } } },
  Fortinet: {
    id: 12356,
    attributes: {
      'Fortinet-Group-Name': { type: 1, dataType: 'string' },
      'Fortinet-Access-Profile': { type: 6, dataType: 'string' },
    },
  },
  WISPr: {
    id: 14122,
    attributes: {
      'WISPr-Bandwidth-Max-Up': { type: 7, dataType: 'integer' },
      'WISPr-Bandwidth-Max-Down': { type: 8, dataType: 'integer' },
    },
  },
  Aruba: {
    id: 14823,
    attributes: {
      'Aruba-User-Role': { type: 1, dataType: 'string' },
      'Aruba-User-Vlan': { type: 2, dataType: 'integer' },
    },
  },
  Mikrotik: {
    id: 14988,
    attributes: {
      'Mikrotik-Rate-Limit': { type: 8, dataType: 'string' },
      'Mikrotik-Group': { type: 3, dataType: 'string' },
    },
  },
};
