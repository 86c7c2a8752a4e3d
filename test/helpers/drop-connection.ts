import type { Socket } from 'socket.io-client';

/**
 * Kills a client's connection the way a crash or a closed laptop does: the TCP socket is destroyed
 * with no Socket.IO disconnect packet and no WebSocket close handshake, so the server learns of it
 * only from the transport (`transport close`), never from a polite `socket.disconnect()`.
 */
export function dropConnection(socket: Socket): void {
  // engine.io-client keeps the `ws` WebSocket of its transport as `ws`; `terminate()` destroys the TCP socket.
  const transport = (socket.io.engine as unknown as { transport?: { ws?: { terminate?: () => void } } }).transport;
  const ws = transport?.ws;
  if (typeof ws?.terminate !== 'function') throw new Error('dropConnection needs a websocket transport (transports: [\'websocket\'])');
  ws.terminate();
}
