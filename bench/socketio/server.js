// The Socket.IO peer of the benchmark: the sample chat's semantics on Socket.IO 4, two or more
// processes sharing a Redis through @socket.io/redis-adapter.
//   PORT=3000 REDIS_URL=redis://127.0.0.1:6379 node server.js
// A client connects to ws://host:PORT/socket.io/?EIO=4&transport=websocket&room=<room>&user=<name>,
// emits "send" {room, text}; everyone in the room (the sender included) gets "message"
// {type: "message", room, user, text}.
'use strict';

const http = require('node:http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

const port = Number(process.env.PORT || 3000);
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function main() {
  const pubClient = createClient({ url: redisUrl });
  const subClient = pubClient.duplicate();
  for (const client of [pubClient, subClient]) {
    client.on('error', (err) => console.error(`redis: ${err.message}`));
  }
  await Promise.all([pubClient.connect(), subClient.connect()]);

  const httpServer = http.createServer();
  const io = new Server(httpServer, {
    transports: ['websocket'],
    serveClient: false,
    adapter: createAdapter(pubClient, subClient),
  });

  io.on('connection', (socket) => {
    const { room, user } = socket.handshake.query;
    socket.join(String(room));
    const name = String(user);
    socket.on('send', (msg) => {
      if (msg && typeof msg.room === 'string') {
        io.to(msg.room).emit('message', { type: 'message', room: msg.room, user: name, text: msg.text });
      }
    });
  });

  const shutdown = () => {
    io.close();
    Promise.allSettled([pubClient.quit(), subClient.quit()]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  httpServer.listen(port, () => console.log(`socket.io server listening on port ${port}, Redis ${redisUrl}`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
