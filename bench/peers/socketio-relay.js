// SPDX-License-Identifier: MIT
// Socket.IO rooms: what one would write instead of helpy-server with Socket.IO.
// Only the engine.io `websocket` transport is enabled (no HTTP long-polling upgrade), so
// helpy-loadgen --protocol socketio connects with a plain WebSocket to
// /socket.io/?EIO=4&transport=websocket and speaks the Engine.IO/Socket.IO framing:
// every protocol v1 frame travels as the event `42["frame",{...}]`.
'use strict';

const http = require('http');
const { Server } = require('socket.io');
const { RelayCore, parseListen } = require('./relay-core');

const { host, port } = parseListen(process.argv);
const core = new RelayCore();
const httpServer = http.createServer();
const io = new Server(httpServer, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
    maxHttpBufferSize: 1e6,
});

io.on('connection', (socket) => {
    const client = { userId: null };
    const reply = (obj) => socket.emit('frame', obj);
    const join = (sessionId) => socket.join(sessionId);
    // Socket.IO encodes a room broadcast once and writes it to every member.
    const broadcast = (sessionId, obj) => io.to(sessionId).emit('frame', obj);
    socket.on('frame', (frame) => {
        if (frame === null || typeof frame !== 'object')
            return;
        core.handle(client, frame, reply, join, broadcast);
    });
});
httpServer.on('error', (error) => {
    console.error(`socketio-relay: ${error.message}`);
    process.exit(1);
});
httpServer.listen(port, host, () => {
    console.log(`socketio-relay listening on ws://${host}:${httpServer.address().port}/socket.io/`);
});
process.on('SIGTERM', () => process.exit(0));
