/**
 * A small RFB viewer standing in for noVNC on the core's end of the relay: it does the browser's side of
 * the handshake the outpost presents (3.8, security None), asks for raw 32-bit frames and reads pixels,
 * and sends keys and pointer moves. Its handshake asserts what the outpost must present.
 */
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { createByteReader } from '../../../src/rac/byte-reader.ts';

/** A connected viewer. */
export interface RfbViewer {
  width: number;
  height: number;
  name: string;
  /** Requests a full (non-incremental) update and reads it. */
  refresh(): Promise<void>;
  /** The pixel at x,y as [r, g, b]. */
  pixel(x: number, y: number): [number, number, number];
  key(keysym: number, down: boolean): void;
  pointer(x: number, y: number, buttons?: number): void;
  /** Sends raw bytes (malformed messages). */
  raw(bytes: Buffer): void;
}

/** Handshakes over `ws` as a browser would. */
export async function connectViewer(ws: WebSocket): Promise<RfbViewer> {
  const reader = createByteReader('target_protocol_error', 64 * 1024 * 1024);
  let hello: unknown;
  ws.on('message', (data: Buffer, isBinary) => {
    if (hello === undefined) {
      assert.ok(!isBinary, 'the first frame is the hello');
      hello = JSON.parse(data.toString());
      return;
    }
    assert.ok(isBinary, 'the outpost sends VNC as binary frames');
    reader.push(data);
  });
  ws.on('close', () => reader.end('relay closed'));
  const send = (b: Buffer) => ws.send(b);

  assert.equal((await reader.read(12)).toString('latin1'), 'RFB 003.008\n');
  assert.deepEqual(hello, { type: 'hello', protocol: 'vnc' });
  send(Buffer.from('RFB 003.008\n', 'latin1'));
  const count = (await reader.read(1)).readUInt8(0);
  assert.deepEqual([...(await reader.read(count))], [1], 'the browser is offered only security None');
  send(Buffer.from([1]));
  assert.equal((await reader.read(4)).readUInt32BE(0), 0, 'SecurityResult OK');
  send(Buffer.from([1])); // ClientInit, shared
  const init = await reader.read(24);
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  const name = (await reader.read(init.readUInt32BE(20))).toString('latin1');

  const pixelFormat = Buffer.alloc(20);
  pixelFormat.writeUInt8(0, 0);
  // 32 bpp, depth 24, little endian, true colour, 255 max each, shifts 16/8/0: bytes B, G, R, X.
  Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0]).copy(pixelFormat, 4);
  send(pixelFormat);
  send(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0])); // SetEncodings [Raw]
  const frame = Buffer.alloc(width * height * 4);

  return {
    width,
    height,
    name,
    async refresh() {
      const request = Buffer.alloc(10);
      request.writeUInt8(3, 0);
      request.writeUInt16BE(width, 6);
      request.writeUInt16BE(height, 8);
      send(request);
      for (;;) {
        const type = (await reader.read(1)).readUInt8(0);
        if (type === 2) continue; // Bell
        if (type === 3) {
          const header = await reader.read(7);
          await reader.read(header.readUInt32BE(3));
          continue;
        }
        assert.equal(type, 0, `server message type ${type}`);
        const rects = (await reader.read(3)).readUInt16BE(1);
        for (let i = 0; i < rects; i++) {
          const r = await reader.read(12);
          const [x, y, w, h] = [r.readUInt16BE(0), r.readUInt16BE(2), r.readUInt16BE(4), r.readUInt16BE(6)];
          assert.equal(r.readInt32BE(8), 0, 'raw encoding');
          const data = await reader.read(w * h * 4);
          for (let row = 0; row < h; row++)
            data.copy(frame, ((y + row) * width + x) * 4, row * w * 4, (row + 1) * w * 4);
        }
        return;
      }
    },
    pixel(x, y) {
      const at = (y * width + x) * 4;
      return [frame[at + 2] ?? -1, frame[at + 1] ?? -1, frame[at] ?? -1];
    },
    key(keysym, down) {
      const b = Buffer.alloc(8);
      b.writeUInt8(4, 0);
      b.writeUInt8(down ? 1 : 0, 1);
      b.writeUInt32BE(keysym, 4);
      send(b);
    },
    pointer(x, y, buttons = 0) {
      const b = Buffer.alloc(6);
      b.writeUInt8(5, 0);
      b.writeUInt8(buttons, 1);
      b.writeUInt16BE(x, 2);
      b.writeUInt16BE(y, 4);
      send(b);
    },
    raw: send,
  };
}
