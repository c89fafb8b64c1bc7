// SPDX-License-Identifier: MIT
// The participant panel's order (ParticipantSortModel): people by role, online first, by
// name; Helpys last in a group of their own; counts per group; a presence or role change
// moves one row without a reset. Under QAbstractItemModelTester throughout.
#include "participantlistmodel.h"
#include "participantsortmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Protocol;

namespace {

Participant person(const QString &id, const QString &name, Role role = Role::Member,
    Presence presence = Presence::Online)
{
    Participant p;
    p.id = id;
    p.type = ParticipantType::User;
    p.displayName = name;
    p.role = role;
    p.presence = presence;
    p.joinedAt = QDateTime(QDate(2026, 11, 26), QTime(10, 0), Qt::UTC);
    return p;
}

Participant helpy(const QString &id, const QString &name, Presence presence = Presence::Online)
{
    Participant p = person(id, name, Role::Member, presence);
    p.type = ParticipantType::Helpy;
    return p;
}

QStringList shownIds(const QAbstractItemModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(ParticipantListModel::IdRole).toString();
    return ids;
}

QStringList shownGroups(const QAbstractItemModel &model)
{
    QStringList groups;
    for (int row = 0; row < model.rowCount(); ++row)
        groups << model.index(row, 0).data(ParticipantSortModel::GroupRole).toString();
    return groups;
}

} // namespace

class TestParticipantSort : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void ordersByRoleThenPresenceThenName();
    void helpysHaveTheirOwnGroupAtTheEnd();
    void countsPerGroup();
    void presenceChangeMovesOneRowWithoutReset();
    void roleChangeMovesTheRowToItsNewGroup();
    void joinAndLeaveKeepTheOrder();
    void roleNamesAddTheGroup();

private:
    std::unique_ptr<ParticipantListModel> m_source;
    std::unique_ptr<ParticipantSortModel> m_sorted;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestParticipantSort::init()
{
    m_source = std::make_unique<ParticipantListModel>();
    m_sorted = std::make_unique<ParticipantSortModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_sorted.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_sorted->setSourceModel(m_source.get());
    // Join order: nothing like the order shown.
    m_source->applySnapshot({
        person(QStringLiteral("u-zoe"), QStringLiteral("Zoe"), Role::Member, Presence::Offline),
        helpy(QStringLiteral("h-b"), QStringLiteral("Helpy (biology)"), Presence::Offline),
        person(QStringLiteral("u-ben"), QStringLiteral("ben")),
        person(QStringLiteral("u-ana"), QStringLiteral("Ana"), Role::Owner, Presence::Offline),
        person(QStringLiteral("u-max"), QStringLiteral("Max"), Role::Moderator),
        helpy(QStringLiteral("h-a"), QStringLiteral("Helpy (algebra)")),
        person(QStringLiteral("u-al"), QStringLiteral("Al")),
        person(QStringLiteral("u-eve"), QStringLiteral("Eve"), Role::Moderator,
            Presence::Reconnecting),
    });
}

void TestParticipantSort::cleanup()
{
    m_tester.reset();
    m_sorted.reset();
    m_source.reset();
}

void TestParticipantSort::ordersByRoleThenPresenceThenName()
{
    // Owner; moderators (online, then reconnecting); members online by name (case-blind),
    // then offline; Helpys.
    QCOMPARE(shownIds(*m_sorted),
        QStringList({ "u-ana", "u-max", "u-eve", "u-al", "u-ben", "u-zoe", "h-a", "h-b" }));
}

void TestParticipantSort::helpysHaveTheirOwnGroupAtTheEnd()
{
    QCOMPARE(shownGroups(*m_sorted),
        QStringList(
            { "owner", "moderator", "moderator", "member", "member", "member", "helpy", "helpy" }));
}

void TestParticipantSort::countsPerGroup()
{
    const QVariantMap counts = m_sorted->groupCounts();
    QCOMPARE(counts.value("owner").toInt(), 1);
    QCOMPARE(counts.value("moderator").toInt(), 2);
    QCOMPARE(counts.value("member").toInt(), 3);
    QCOMPARE(counts.value("helpy").toInt(), 2);
    const QVariantMap online = m_sorted->onlineCounts();
    QCOMPARE(online.value("owner").toInt(), 0);
    QCOMPARE(online.value("moderator").toInt(), 2); // reconnecting counts as still there
    QCOMPARE(online.value("member").toInt(), 2);
    QCOMPARE(online.value("helpy").toInt(), 1);
}

void TestParticipantSort::presenceChangeMovesOneRowWithoutReset()
{
    QSignalSpy reset(m_sorted.get(), &QAbstractItemModel::modelReset);
    QSignalSpy counts(m_sorted.get(), &ParticipantSortModel::groupCountsChanged);
    Participant zoe = *m_source->participant(QStringLiteral("u-zoe"));
    zoe.presence = Presence::Online;
    m_source->upsert(zoe);
    QCOMPARE(shownIds(*m_sorted),
        QStringList({ "u-ana", "u-max", "u-eve", "u-al", "u-ben", "u-zoe", "h-a", "h-b" }));
    Participant al = *m_source->participant(QStringLiteral("u-al"));
    al.presence = Presence::Offline;
    m_source->upsert(al);
    QCOMPARE(shownIds(*m_sorted),
        QStringList({ "u-ana", "u-max", "u-eve", "u-ben", "u-zoe", "u-al", "h-a", "h-b" }));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(counts.size(), 2);
    QCOMPARE(m_sorted->onlineCounts().value("member").toInt(), 2);
}

void TestParticipantSort::roleChangeMovesTheRowToItsNewGroup()
{
    QSignalSpy reset(m_sorted.get(), &QAbstractItemModel::modelReset);
    Participant ben = *m_source->participant(QStringLiteral("u-ben"));
    ben.role = Role::Owner;
    m_source->upsert(ben);
    QCOMPARE(shownIds(*m_sorted),
        QStringList({ "u-ben", "u-ana", "u-max", "u-eve", "u-al", "u-zoe", "h-a", "h-b" }));
    QCOMPARE(m_sorted->index(0, 0).data(ParticipantSortModel::GroupRole).toString(),
        QStringLiteral("owner"));
    QCOMPARE(m_sorted->groupCounts().value("owner").toInt(), 2);
    QCOMPARE(m_sorted->groupCounts().value("member").toInt(), 2);
    QCOMPARE(reset.size(), 0);
}

void TestParticipantSort::joinAndLeaveKeepTheOrder()
{
    QSignalSpy reset(m_sorted.get(), &QAbstractItemModel::modelReset);
    m_source->upsert(person(QStringLiteral("u-bea"), QStringLiteral("Bea")));
    m_source->upsert(helpy(QStringLiteral("h-c"), QStringLiteral("Helpy (chemistry)")));
    QCOMPARE(shownIds(*m_sorted),
        QStringList(
            { "u-ana", "u-max", "u-eve", "u-al", "u-bea", "u-ben", "u-zoe", "h-a", "h-c", "h-b" }));
    m_source->remove(QStringLiteral("u-max"));
    m_source->remove(QStringLiteral("h-a"));
    QCOMPARE(shownIds(*m_sorted),
        QStringList({ "u-ana", "u-eve", "u-al", "u-bea", "u-ben", "u-zoe", "h-c", "h-b" }));
    QCOMPARE(m_sorted->groupCounts().value("helpy").toInt(), 2);
    QCOMPARE(m_sorted->groupCounts().value("moderator").toInt(), 1);
    QCOMPARE(reset.size(), 0);
}

void TestParticipantSort::roleNamesAddTheGroup()
{
    const QHash<int, QByteArray> names = m_sorted->roleNames();
    QCOMPARE(names.value(ParticipantSortModel::GroupRole), QByteArray("group"));
    QCOMPARE(names.value(ParticipantListModel::DisplayNameRole), QByteArray("displayName"));
}

QTEST_GUILESS_MAIN(TestParticipantSort)
#include "tst_participant_sort.moc"
