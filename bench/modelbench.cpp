// SPDX-License-Identifier: MIT
// helpy-modelbench: the client-side cost of the roster model with a QML ListView attached.
//
// Run with QT_QPA_PLATFORM=offscreen. For 1k, 5k and 10k shown rows it times, per event,
// the model call (which includes the view's synchronous reaction to the model's signals)
// and, separately, the view's relayout (ensurePolished) — for inserts at the end, in-place
// updates (presence) and removals of a random row. It also times the 10,000-participant
// first snapshot and a snapshot differing by one participant from a shown 10,000-row list.
// Prints one JSON line per figure.
#include "participantlistmodel.h"
#include "roster.h"

#include <QGuiApplication>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

using namespace Protocol;

namespace {

using Clock = std::chrono::steady_clock;

double usSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

Participant makeParticipant(int i)
{
    Participant p;
    p.id = QStringLiteral("u-%1").arg(i, 8, 10, QLatin1Char('0'));
    p.type = i % 10 == 0 ? ParticipantType::Helpy : ParticipantType::User;
    p.displayName = QStringLiteral("Student %1 Example").arg(i);
    p.role = i == 0 ? Role::Owner : Role::Member;
    p.presence = Presence::Online;
    p.joinedAt = QDateTime::fromSecsSinceEpoch(1'790'000'000 + i, Qt::UTC);
    return p;
}

QList<Participant> roster(int count)
{
    QList<Participant> list;
    list.reserve(count);
    for (int i = 0; i < count; ++i)
        list.append(makeParticipant(i));
    return list;
}

struct Timings
{
    std::vector<double> modelUs;
    std::vector<double> viewUs;
};

double mean(const std::vector<double> &values)
{
    double sum = 0;
    for (double v : values)
        sum += v;
    return values.empty() ? 0 : sum / double(values.size());
}

double p99(std::vector<double> values)
{
    if (values.empty())
        return 0;
    const size_t at = size_t(0.99 * double(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + qsizetype(at), values.end());
    return values[at];
}

void print(const char *what, int rows, const Timings &t)
{
    std::printf("{\"kind\":\"model\",\"event\":\"%s\",\"rows\":%d,\"events\":%zu,"
                "\"model_mean_us\":%.2f,\"model_p99_us\":%.2f,\"view_mean_us\":%.2f,"
                "\"view_p99_us\":%.2f}\n",
        what, rows, t.modelUs.size(), mean(t.modelUs), p99(t.modelUs), mean(t.viewUs),
        p99(t.viewUs));
    std::fflush(stdout);
}

/// A model shown in a ListView, as the app shows it.
struct Shown
{
    ParticipantListModel model;
    QQuickItem *list = nullptr;

    void attach(QQmlEngine &engine, QQuickWindow &window)
    {
        QQmlComponent component(&engine);
        component.setData(R"(
import QtQuick
ListView {
    width: 400; height: 800
    delegate: Item {
        required property string displayName
        required property string presence
        required property string role
        width: ListView.view.width; height: 24
        Text { text: parent.displayName + " · " + parent.role + " · " + parent.presence }
    }
})",
            QUrl());
        list = qobject_cast<QQuickItem *>(component.createWithInitialProperties(
            { { QStringLiteral("model"), QVariant::fromValue<QObject *>(&model) } }));
        if (!list) {
            std::fprintf(stderr, "helpy-modelbench: %s\n", qPrintable(component.errorString()));
            std::exit(1);
        }
        list->setParentItem(window.contentItem());
        list->ensurePolished();
    }
};

QString idAt(const ParticipantListModel &model, int row)
{
    return model.data(model.index(row), ParticipantListModel::IdRole).toString();
}

template<typename Op> void timed(Shown &shown, Timings &t, Op op)
{
    const auto start = Clock::now();
    op();
    t.modelUs.push_back(usSince(start));
    const auto polish = Clock::now();
    shown.list->ensurePolished();
    t.viewUs.push_back(usSince(polish));
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QQmlEngine engine;
    QQuickWindow window;
    window.resize(400, 800);
    window.show();

    constexpr int EventsPerSize = 2000;
    std::mt19937 random(5);

    // The first snapshot of 10,000 participants (a reset) and one that differs by one.
    {
        Shown shown;
        shown.attach(engine, window);
        const QList<Participant> full = roster(10'000);
        Timings first;
        timed(shown, first, [&] { shown.model.applySnapshot(full); });
        print("snapshot_first_10000", 10'000, first);

        QList<Participant> plusOne = full;
        plusOne.append(makeParticipant(10'000));
        Timings diff;
        for (int i = 0; i < 20; ++i)
            timed(shown, diff, [&] { shown.model.applySnapshot(i % 2 == 0 ? plusOne : full); });
        print("snapshot_diff_by_one_10000", 10'000, diff);
        delete shown.list;
    }

    // The roster digest after one change (a presence flip): what a client computes to check
    // a digest, and the server for its heartbeat digests and roster summaries (once per
    // change, on the event loop).
    for (int rows : { 1'000, 5'000, 10'000 }) {
        Roster roster;
        roster.applySnapshot(::roster(rows));
        Participant changed = roster.at(rows / 2);
        Timings hashes;
        for (int i = 0; i < 200; ++i) {
            changed.presence
                = changed.presence == Presence::Online ? Presence::Offline : Presence::Online;
            roster.upsert(changed);
            const auto start = Clock::now();
            if (roster.hash().size() != 64)
                std::exit(1);
            hashes.modelUs.push_back(usSince(start));
            hashes.viewUs.push_back(0);
        }
        print("roster_hash", rows, hashes);
    }

    for (int rows : { 1'000, 5'000, 10'000 }) {
        Shown shown;
        shown.attach(engine, window);
        shown.model.applySnapshot(roster(rows));
        shown.list->ensurePolished();
        int nextId = rows;
        Timings inserts, updates, removes;
        for (int i = 0; i < EventsPerSize; ++i) {
            // Insert one at the end, change one's presence, remove a random one: the list
            // keeps its size, so every event is timed at `rows` rows.
            timed(shown, inserts, [&] { shown.model.upsert(makeParticipant(nextId++)); });
            // Rows are picked through the model's own API: participants() copies the list.
            const int row = int(random() % uint(shown.model.count()));
            Participant changed = *shown.model.participant(idAt(shown.model, row));
            changed.presence
                = changed.presence == Presence::Online ? Presence::Offline : Presence::Online;
            timed(shown, updates, [&] { shown.model.upsert(changed); });
            const int victim = 1 + int(random() % uint(shown.model.count() - 1));
            const QString id = idAt(shown.model, victim);
            timed(shown, removes, [&] { shown.model.remove(id); });
        }
        print("insert", rows, inserts);
        print("update", rows, updates);
        print("remove_random_row", rows, removes);
        delete shown.list;
    }
    return 0;
}
