// SPDX-License-Identifier: MIT
// The whole app as a user sees it, for the UI tests that walk every page and dialog: a real
// SessionServer on 127.0.0.1 port 0, Ana (a plain client) owning the session "Algebra", and
// the app (AppController + Main.qml, offscreen) that signs in as Ben and joins it.
#pragma once

#include "appcontroller.h"
#include "appwindow.h"
#include "quickitems.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <memory>

/// @brief Server, session, owner and app for one UI test; reset() between tests.
struct UiScene
{
    std::unique_ptr<SessionServer> server;
    std::unique_ptr<WebSocketService> owner; // Ana
    QString sessionId;
    QString inviteCode;
    std::unique_ptr<AppController> controller;
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow *window = nullptr;

    /// Server and Ana's session (no UI yet). `grace`: seconds a dropped connection stays
    /// "reconnecting" before it is shown offline.
    void startServer(int graceSeconds = 0)
    {
        ServerOptions options;
        options.presenceGraceSeconds = graceSeconds;
        server = std::make_unique<SessionServer>(options);
        QVERIFY2(server->listen(), qPrintable(server->errorString()));
        owner = connectClient(QStringLiteral("Ana"));
        QVERIFY(owner);
        owner->createSession(QStringLiteral("Algebra"), [this](const WebSocketService::Reply &r) {
            if (const auto result = Protocol::resultOf<Protocol::CreateSessionResult>(r.ack))
                sessionId = result->sessionId;
        });
        QTRY_VERIFY(!sessionId.isEmpty());
        QSignalSpy snapshot(owner.get(), &WebSocketService::sessionSnapshotReceived);
        owner->joinSession(sessionId);
        QVERIFY(snapshot.wait());
        owner->createInvite(sessionId, [this](const WebSocketService::Reply &r) {
            if (const auto result = Protocol::resultOf<Protocol::CreateInviteResult>(r.ack))
                inviteCode = result->inviteCode;
        });
        QTRY_VERIFY(!inviteCode.isEmpty());
    }

    /// A signed-in plain client named `name` (null if it could not connect).
    std::unique_ptr<WebSocketService> connectClient(const QString &name)
    {
        auto client = std::make_unique<WebSocketService>();
        QSignalSpy welcomed(client.get(), &WebSocketService::welcomed);
        client->connectToServer(server->url(), name);
        if (!welcomed.wait())
            return nullptr;
        return client;
    }

    /// The app's controller; `beforeLoad` runs between it and the QML (e.g. to install a
    /// translator).
    void loadApp(const std::function<void()> &beforeLoad = {})
    {
        controller = std::make_unique<AppController>(nullptr);
        if (beforeLoad)
            beforeLoad();
        engine = std::make_unique<QQmlApplicationEngine>();
        loadMainWindow(*engine, window);
    }

    /// Ben signs in and joins Ana's session: the session page is shown.
    void joinAsBen()
    {
        controller->setDisplayName(QStringLiteral("Ben"));
        controller->join(server->url().toString(), inviteCode);
        QTRY_VERIFY(item(QStringLiteral("sessionPage")));
        QTRY_VERIFY(controller->currentSession() && controller->currentSession()->isLoaded());
    }

    QQuickItem *item(const QString &objectName) const
    {
        return findItem(window->contentItem(), objectName);
    }

    void reset()
    {
        engine.reset();
        window = nullptr;
        controller.reset();
        owner.reset();
        server.reset();
        sessionId.clear();
        inviteCode.clear();
    }
};
