// SPDX-License-Identifier: MIT
// A Node.js `ws` room relay: what one would write instead of helpy-server.
// Each broadcast is serialised once to a Buffer and written to every socket of the room.
'use strict';

const { WebSocketServer } = require('ws');
const { RelayCore, parseListen } = require('./relay-core');

const { host, port } = parseListen(process.argv);
const core = new RelayCore();
const rooms = new Map(); // sessionId -> Set<WebSocket>

const wss = new WebSocketServer({ host, port, path: '/v1', perMessageDeflate: false });
wss.on('listening', () => {
    console.log(`ws-relay listening on ws://${host}:${wss.address().port}/v1`);
});
wss.on('error', (error) => {
    console.error(`ws-relay: ${error.message}`);
    process.exit(1);
});
wss.on('connection', (socket) => {
    const client = { userId: null, rooms: new Set() };
    const reply = (obj) => socket.send(JSON.stringify(obj));
    const join = (sessionId) => {
        if (!rooms.has(sessionId))
            rooms.set(sessionId, new Set());
        rooms.get(sessionId).add(socket);
        client.rooms.add(sessionId);
    };
    const broadcast = (sessionId, obj) => {
        const data = Buffer.from(JSON.stringify(obj));
        for (const peer of rooms.get(sessionId) || [])
            peer.send(data, { binary: false });
    };
    socket.on('message', (data, isBinary) => {
        if (isBinary)
            return;
        let frame;
        try {
            frame = JSON.parse(data);
        } catch {
            reply({ type: 'error', code: 'bad_request', message: 'malformed JSON' });
            return;
        }
        core.handle(client, frame, reply, join, broadcast);
    });
    socket.on('close', () => {
        for (const sessionId of client.rooms)
            rooms.get(sessionId)?.delete(socket);
    });
});
process.on('SIGTERM', () => process.exit(0));
