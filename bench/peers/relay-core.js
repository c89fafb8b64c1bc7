// SPDX-License-Identifier: MIT
// The part of protocol v1 the peer relays speak: just enough for helpy-loadgen.
//
// Deliberately less work than helpy-server does (docs/performance.md lists it): no frame
// validation, no permission checks, no idempotency cache, no event log for resume, no
// roster snapshot on join, no presence. A revision counter and the same event shapes are
// kept so that the frames fanned out are the same size as ours.
'use strict';

let nextId = 1;
const newId = (prefix) => `${prefix}${(nextId++).toString(36)}`;
const now = () => new Date().toISOString();

class RelayCore {
    constructor() {
        this.rooms = new Map(); // sessionId -> { revision, title }
        this.invites = new Map(); // inviteCode -> sessionId
    }

    /**
     * Handles one client frame. `client` is the adapter's per-connection state
     * ({ userId, displayName }); `reply(obj)` answers the sender; `join(sessionId)` puts
     * the sender in the room; `broadcast(sessionId, obj)` fans out to the room.
     */
    handle(client, frame, reply, join, broadcast) {
        const ack = (result) => reply({ type: 'ack', requestId: frame.requestId, ...result });
        switch (frame.type) {
        case 'hello':
            client.userId = newId('u');
            client.displayName = frame.displayName;
            reply({ type: 'welcome', protocol: 1, userId: client.userId, token: newId('t'),
                serverTime: now(), heartbeatSeconds: 15 });
            return;
        case 'create_session': {
            const sessionId = newId('s');
            this.rooms.set(sessionId, { revision: 1, title: frame.title });
            join(sessionId);
            ack({ revision: 1, sessionId, epoch: 'e1' });
            return;
        }
        case 'create_invite': {
            const inviteCode = newId('I').toUpperCase();
            this.invites.set(inviteCode, frame.sessionId);
            ack({ inviteCode, sessionId: frame.sessionId });
            return;
        }
        case 'join_session': {
            const sessionId = frame.sessionId || this.invites.get(frame.inviteCode);
            const room = this.rooms.get(sessionId);
            if (!room) {
                reply({ type: 'error', requestId: frame.requestId, code: 'not_found',
                    message: 'no such session' });
                return;
            }
            join(sessionId);
            ack({ revision: room.revision, sessionId, epoch: 'e1', resumed: false });
            return;
        }
        case 'add_participant':
        case 'remove_participant':
        case 'send_message': {
            const room = this.rooms.get(frame.sessionId);
            if (!room) {
                reply({ type: 'error', requestId: frame.requestId, code: 'not_found',
                    message: 'no such session' });
                return;
            }
            const revision = ++room.revision;
            const timestamp = now();
            const base = { sessionId: frame.sessionId, epoch: 'e1', revision };
            if (frame.type === 'send_message') {
                const messageId = newId('m');
                broadcast(frame.sessionId, { type: 'message', ...base, messageId,
                    authorId: client.userId, text: frame.text, timestamp,
                    requestId: frame.requestId });
                ack({ revision, messageId });
            } else if (frame.type === 'add_participant') {
                const id = frame.participantId || newId('h');
                broadcast(frame.sessionId, { type: 'participant_added', ...base,
                    participantId: id, participantType: frame.participantType,
                    participant: { id, type: frame.participantType,
                        displayName: frame.displayName, role: 'member', presence: 'online',
                        joinedAt: timestamp },
                    actorId: client.userId, timestamp });
                ack({ revision, participantId: id, added: true });
            } else {
                broadcast(frame.sessionId, { type: 'participant_removed', ...base,
                    participantId: frame.participantId, participantType: 'helpy',
                    participant: { id: frame.participantId, type: 'helpy' },
                    reason: 'removed', actorId: client.userId, timestamp });
                ack({ revision });
            }
            return;
        }
        default:
            reply({ type: 'error', requestId: frame.requestId, code: 'bad_request',
                message: 'not supported by the relay' });
        }
    }
}

/** "127.0.0.1:PORT" from `--listen HOST:PORT` (default 127.0.0.1:0). */
function parseListen(argv) {
    const i = argv.indexOf('--listen');
    const text = i >= 0 ? argv[i + 1] : '127.0.0.1:0';
    const colon = text.lastIndexOf(':');
    return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

module.exports = { RelayCore, parseListen };
