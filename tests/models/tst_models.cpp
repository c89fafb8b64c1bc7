// SPDX-License-Identifier: MIT
// The list models change exactly the rows an event touches, and the GroupSession feeds
// them from the notifier's in-order events.
#include "groupsession.h"
#include "indexedrows.h"
#include "messagelistmodel.h"
#include "participantlistmodel.h"
#include "sessionlistmodel.h"
#include "websocketservice.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace Protocol;
using namespace Qt::StringLiterals;

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

Participant helpy(const QString &id, const QString &name)
{
    Participant p = person(id, name);
    p.type = ParticipantType::Helpy;
    return p;
}

/// Records every structural signal of a model, so a test can say "exactly this happened".
struct ChangeRecorder
{
    explicit ChangeRecorder(QAbstractItemModel *model)
        : inserted(model, &QAbstractItemModel::rowsInserted)
        , removed(model, &QAbstractItemModel::rowsRemoved)
        , changed(model, &QAbstractItemModel::dataChanged)
        , reset(model, &QAbstractItemModel::modelReset)
        , moved(model, &QAbstractItemModel::rowsMoved)
        , layout(model, &QAbstractItemModel::layoutChanged)
    { }
    int total() const
    {
        return int(inserted.size() + removed.size() + changed.size() + reset.size() + moved.size()
            + layout.size());
    }
    void clear()
    {
        for (QSignalSpy *spy : { &inserted, &removed, &changed, &reset, &moved, &layout })
            spy->clear();
    }
    /// first, last of the n-th rowsInserted / rowsRemoved
    static QPair<int, int> range(const QSignalSpy &spy, int n = 0)
    {
        return { spy.at(n).at(1).toInt(), spy.at(n).at(2).toInt() };
    }
    /// top row, bottom row and roles of the n-th dataChanged
    QPair<int, int> changedRows(int n = 0) const
    {
        return { changed.at(n).at(0).value<QModelIndex>().row(),
            changed.at(n).at(1).value<QModelIndex>().row() };
    }
    QList<int> changedRoles(int n = 0) const { return changed.at(n).at(2).value<QList<int>>(); }

    QSignalSpy inserted, removed, changed, reset, moved, layout;
};

QList<Participant> roster()
{
    return { person(QStringLiteral("u1"), QStringLiteral("Ana Lima"), Role::Owner),
        person(QStringLiteral("u2"), QStringLiteral("Ben")),
        helpy(QStringLiteral("h1"), QStringLiteral("Math Helpy")),
        person(QStringLiteral("u3"), QStringLiteral("Cleo"), Role::Moderator) };
}

/**
 * A copy of what a view would show, kept up to date only through the model's signals
 * (inserted and removed rows, dataChanged naming rows and roles, resets). Comparing it with
 * the model after each change checks that the signals, not just the end state, are right.
 * Column 0 is the id role.
 */
class ShownCopy : public QObject
{
public:
    ShownCopy(QAbstractItemModel *model, const QList<int> &roles)
        : m_model(model)
        , m_roles(roles)
    {
        rows = current();
        connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex &, int first, int last) {
                // The rows announced are the ones shown there (other roles may be announced
                // later in the same operation, the id may not).
                for (int row = first; row <= last; ++row) {
                    if (row >= rows.size() || rows.at(row).at(0) != read(row, m_roles.at(0)))
                        ++wrongRemovals;
                }
                rows.remove(first, last - first + 1);
            });
        connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                for (int row = first; row <= last; ++row)
                    rows.insert(row, readRow(row));
            });
        connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight,
                const QList<int> &changed) {
                for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
                    for (int i = 0; i < m_roles.size(); ++i) {
                        if (changed.isEmpty() || changed.contains(m_roles.at(i)))
                            rows[row][i] = read(row, m_roles.at(i));
                    }
                }
            });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { rows = current(); });
        connect(model, &QAbstractItemModel::rowsMoved, this, [this] { ++unexpected; });
        connect(model, &QAbstractItemModel::layoutChanged, this, [this] { ++unexpected; });
    }

    QList<QVariantList> current() const
    {
        QList<QVariantList> all;
        for (int row = 0; row < m_model->rowCount(); ++row)
            all.append(readRow(row));
        return all;
    }
    QStringList ids() const
    {
        QStringList list;
        for (const QVariantList &row : rows)
            list.append(row.at(0).toString());
        return list;
    }

    QList<QVariantList> rows;
    int wrongRemovals = 0;
    int unexpected = 0;

private:
    QVariant read(int row, int role) const { return m_model->data(m_model->index(row, 0), role); }
    QVariantList readRow(int row) const
    {
        QVariantList values;
        for (int role : m_roles)
            values.append(read(row, role));
        return values;
    }

    QAbstractItemModel *m_model;
    QList<int> m_roles;
};

/// Every role a model names, the id role first, and Qt::DisplayRole.
QList<int> rolesOf(const QAbstractItemModel &model, int idRole)
{
    QList<int> roles = model.roleNames().keys();
    std::sort(roles.begin(), roles.end());
    roles.removeAll(idRole);
    roles.prepend(idRole);
    roles.append(Qt::DisplayRole);
    return roles;
}

/// What a diffing model should show after a snapshot: the rows kept in place with their new
/// details, then the new ones in the snapshot's order (or the snapshot when nothing is shown).
template<typename T, QString T::*Key> QList<T> naiveDiff(const QList<T> &shown, QList<T> next)
{
    QList<T> result;
    for (const T &row : shown) {
        const auto it = std::find_if(
            next.cbegin(), next.cend(), [&](const T &n) { return n.*Key == row.*Key; });
        if (it != next.cend())
            result.append(*it);
    }
    for (const T &n : next) {
        if (std::none_of(
                result.cbegin(), result.cend(), [&](const T &r) { return r.*Key == n.*Key; }))
            result.append(n);
    }
    return result;
}

/// What a roster shows after a snapshot: the snapshot, in its order (the first of a repeated id).
template<typename T, QString T::*Key> QList<T> firstOfEachId(const QList<T> &next)
{
    QList<T> result;
    QSet<QString> seen;
    for (const T &n : next) {
        if (!seen.contains(n.*Key)) {
            seen.insert(n.*Key);
            result.append(n);
        }
    }
    return result;
}

template<typename T> T roleValue(const QAbstractItemModel &model, int row, int role)
{
    return model.data(model.index(row, 0), role).value<T>();
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void participantFirstLoadResets();
    void participantViewOutlivesItsRoster();
    void participantAddInsertsOneRow();
    void participantRemoveRemovesOneRowAndKeepsIndex();
    void participantUpdateNamesChangedRoles();
    void snapshotDiff_data();
    void snapshotDiff();
    void snapshotDiffSeveral();
    void canRemoveFollowsLocalRole_data();
    void canRemoveFollowsLocalRole();
    void lastOwnerMayLeave();
    void localRoleChangeRefreshesPermissions();
    void initials();
    void liveSlotTreeMatchesNaiveCount();
    void indexedRowsMatchesNaiveList();
    void participantRandomEventsMatchNaiveModel();
    void sessionRandomEventsMatchNaiveModel();
    void messagePendingConfirmedInPlace();
    void messageFailed();
    void messageSnapshotAppendsOnlyNew();
    void sessionListDiff();
    void groupSessionAppliesEvents();
    void groupSessionIgnoresGapsAndOtherSessions();
    void groupSessionTypingText();
    void othersPresenceIsUnknownWhileDisconnected();
    void aLeftAuthorsRowsSayTheyLeft();
    void membershipLinesComeFromTheHistoryInRevisionOrder();
};

void TestModels::participantFirstLoadResets()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u2"));
    ChangeRecorder rec(&model);
    QSignalSpy count(&model, &ParticipantListModel::countChanged);
    model.applySnapshot(roster());
    QCOMPARE(rec.reset.size(), 1);
    QCOMPARE(rec.inserted.size(), 0);
    QCOMPARE(model.count(), 4);
    QCOMPARE(count.size(), 1);
    QCOMPARE(model.rowOf(QStringLiteral("u3")), 3);
    QCOMPARE(roleValue<QString>(model, 0, ParticipantListModel::DisplayNameRole), u"Ana Lima");
    QCOMPARE(roleValue<QString>(model, 0, ParticipantListModel::InitialsRole), u"AL");
    QCOMPARE(roleValue<QString>(model, 0, ParticipantListModel::RoleRole), u"owner");
    QCOMPARE(roleValue<bool>(model, 2, ParticipantListModel::IsHelpyRole), true);
    QCOMPARE(roleValue<QString>(model, 2, ParticipantListModel::TypeRole), u"helpy");
    QCOMPARE(roleValue<bool>(model, 1, ParticipantListModel::IsSelfRole), true);
    QCOMPARE(roleValue<bool>(model, 0, ParticipantListModel::IsSelfRole), false);
    QCOMPARE(model.myRole(), u"member");
    const auto names = model.roleNames();
    QCOMPARE(names.value(ParticipantListModel::IdRole), "participantId");
    QCOMPARE(int(ParticipantListModel::IdRole), Qt::UserRole + 1);
}

void TestModels::participantViewOutlivesItsRoster()
{
    auto roster = std::make_unique<Roster>();
    ParticipantListModel model(roster.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    roster->applySnapshot(::roster());
    QCOMPARE(model.count(), 4);
    ChangeRecorder rec(&model);
    roster.reset(); // the owner goes first: the view empties, and never reads freed memory
    QCOMPARE(rec.reset.size(), 1);
    QCOMPARE(model.count(), 0);
    QCOMPARE(model.rowOf(QStringLiteral("u1")), -1);
    QCOMPARE(model.myRole(), QString());
}

void TestModels::participantAddInsertsOneRow()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    model.applySnapshot(roster());
    ChangeRecorder rec(&model);
    QSignalSpy count(&model, &ParticipantListModel::countChanged);

    model.upsert(helpy(QStringLiteral("h2"), QStringLiteral("Chem Helpy")));
    QCOMPARE(rec.total(), 1);
    QCOMPARE(rec.inserted.size(), 1);
    QCOMPARE(ChangeRecorder::range(rec.inserted), qMakePair(4, 4));
    QCOMPARE(count.size(), 1);
    QCOMPARE(model.rowOf(QStringLiteral("h2")), 4);
    QCOMPARE(roleValue<bool>(model, 4, ParticipantListModel::CanRemoveRole), true);

    // Adding someone already shown with identical details changes nothing.
    rec.clear();
    model.upsert(helpy(QStringLiteral("h2"), QStringLiteral("Chem Helpy")));
    QCOMPARE(rec.total(), 0);
}

void TestModels::participantRemoveRemovesOneRowAndKeepsIndex()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    model.applySnapshot(roster());
    ChangeRecorder rec(&model);

    model.remove(QStringLiteral("u2"));
    QCOMPARE(rec.total(), 1);
    QCOMPARE(rec.removed.size(), 1);
    QCOMPARE(ChangeRecorder::range(rec.removed), qMakePair(1, 1));
    QCOMPARE(model.count(), 3);
    // The rows after the removed one are found at their new place.
    QCOMPARE(model.rowOf(QStringLiteral("u2")), -1);
    QCOMPARE(model.rowOf(QStringLiteral("h1")), 1);
    QCOMPARE(model.rowOf(QStringLiteral("u3")), 2);
    QCOMPARE(model.rowOf(QStringLiteral("u1")), 0);

    rec.clear();
    model.upsert(
        person(QStringLiteral("u3"), QStringLiteral("Cleo"), Role::Moderator, Presence::Offline));
    QCOMPARE(rec.total(), 1);
    QCOMPARE(rec.changedRows(), qMakePair(2, 2));

    rec.clear();
    model.remove(QStringLiteral("nobody"));
    QCOMPARE(rec.total(), 0);
}

void TestModels::participantUpdateNamesChangedRoles()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    model.applySnapshot(roster());
    ChangeRecorder rec(&model);

    model.upsert(
        person(QStringLiteral("u2"), QStringLiteral("Ben"), Role::Member, Presence::Reconnecting));
    QCOMPARE(rec.total(), 1);
    QCOMPARE(rec.changedRows(), qMakePair(1, 1));
    QCOMPARE(rec.changedRoles(), QList<int> { ParticipantListModel::PresenceRole });
    QCOMPARE(roleValue<QString>(model, 1, ParticipantListModel::PresenceRole), u"reconnecting");

    rec.clear();
    model.upsert(person(
        QStringLiteral("u2"), QStringLiteral("Ben"), Role::Moderator, Presence::Reconnecting));
    QCOMPARE(rec.total(), 1);
    QVERIFY(rec.changedRoles().contains(ParticipantListModel::RoleRole));
    QVERIFY(!rec.changedRoles().contains(ParticipantListModel::PresenceRole));
    QCOMPARE(roleValue<QString>(model, 1, ParticipantListModel::RoleRole), u"moderator");
}

void TestModels::snapshotDiff_data()
{
    QTest::addColumn<QList<Participant>>("next");
    QTest::addColumn<int>("inserted");
    QTest::addColumn<int>("removed");
    QTest::addColumn<int>("changedRow");

    QList<Participant> added = roster();
    added.append(helpy(QStringLiteral("h9"), QStringLiteral("Bio Helpy")));
    QTest::newRow("one added") << added << 1 << 0 << -1;

    QList<Participant> removed = roster();
    removed.removeAt(1);
    QTest::newRow("one removed") << removed << 0 << 1 << -1;

    QList<Participant> presence = roster();
    presence[2].presence = Presence::Offline;
    QTest::newRow("one presence changed") << presence << 0 << 0 << 2;

    // Same people, but the server has the first one last (it left and came back while we
    // were away): the roster follows the server's order, so that row moves there.
    QList<Participant> reordered = roster();
    reordered.move(0, 3);
    QTest::newRow("one moved to the end") << reordered << 1 << 1 << -1;
}

void TestModels::snapshotDiff()
{
    QFETCH(QList<Participant>, next);
    QFETCH(int, inserted);
    QFETCH(int, removed);
    QFETCH(int, changedRow);

    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    model.applySnapshot(roster());
    ChangeRecorder rec(&model);

    model.applySnapshot(next);
    QCOMPARE(rec.reset.size(), 0);
    QCOMPARE(rec.inserted.size(), inserted);
    QCOMPARE(rec.removed.size(), removed);
    QCOMPARE(rec.changed.size(), changedRow >= 0 ? 1 : 0);
    if (changedRow >= 0)
        QCOMPARE(rec.changedRows(), qMakePair(changedRow, changedRow));
    QCOMPARE(rec.total(), inserted + removed + (changedRow >= 0 ? 1 : 0));
    QCOMPARE(model.count(), int(next.size()));
    for (const Participant &p : next) {
        const int row = model.rowOf(p.id);
        QVERIFY(row >= 0);
        QCOMPARE(roleValue<QString>(model, row, ParticipantListModel::IdRole), p.id);
        QCOMPARE(*model.participant(p.id), p);
    }
}

void TestModels::snapshotDiffSeveral()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    model.applySnapshot(roster());
    ChangeRecorder rec(&model);

    // Two gone (rows 1 and 3), one changed, two new.
    QList<Participant> next { roster().at(0), roster().at(2) };
    next[1].displayName = QStringLiteral("Maths Helpy");
    next << person(QStringLiteral("u7"), QStringLiteral("Dan"))
         << helpy(QStringLiteral("h7"), QStringLiteral("Art Helpy"));
    model.applySnapshot(next);
    QCOMPARE(rec.reset.size(), 0);
    QCOMPARE(rec.removed.size(), 2);
    QCOMPARE(ChangeRecorder::range(rec.removed, 0), qMakePair(3, 3));
    QCOMPARE(ChangeRecorder::range(rec.removed, 1), qMakePair(1, 1));
    QCOMPARE(rec.changed.size(), 1);
    QCOMPARE(rec.changedRows(), qMakePair(1, 1));
    QVERIFY(rec.changedRoles().contains(ParticipantListModel::DisplayNameRole));
    QVERIFY(rec.changedRoles().contains(ParticipantListModel::InitialsRole));
    QCOMPARE(rec.inserted.size(), 1);
    QCOMPARE(ChangeRecorder::range(rec.inserted), qMakePair(2, 3));
    QCOMPARE(model.rowOf(QStringLiteral("h7")), 3);
    QCOMPARE(model.rowOf(QStringLiteral("h1")), 1);
}

void TestModels::canRemoveFollowsLocalRole_data()
{
    QTest::addColumn<QString>("me");
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("canRemove");
    QTest::addColumn<bool>("canChangeRole");

    // roster(): u1 owner, u2 member, h1 helpy (member), u3 moderator
    QTest::newRow("owner removes member") << "u1"
                                          << "u2" << true << true;
    QTest::newRow("owner removes moderator") << "u1"
                                             << "u3" << true << true;
    QTest::newRow("owner removes helpy") << "u1"
                                         << "h1" << true << false;
    // issue 11: the last owner may leave, ownership passes on (it used to be refused)
    QTest::newRow("last owner may leave") << "u1"
                                          << "u1" << true << false;
    QTest::newRow("moderator removes member") << "u3"
                                              << "u2" << true << false;
    QTest::newRow("moderator removes helpy") << "u3"
                                             << "h1" << true << false;
    QTest::newRow("moderator cannot remove owner") << "u3"
                                                   << "u1" << false << false;
    QTest::newRow("moderator may leave") << "u3"
                                         << "u3" << true << false;
    QTest::newRow("member cannot remove member") << "u2"
                                                 << "u3" << false << false;
    QTest::newRow("member cannot remove helpy") << "u2"
                                                << "h1" << false << false;
    QTest::newRow("member may leave") << "u2"
                                      << "u2" << true << false;
    QTest::newRow("stranger removes nobody") << "zz"
                                             << "u2" << false << false;
}

void TestModels::canRemoveFollowsLocalRole()
{
    QFETCH(QString, me);
    QFETCH(QString, target);
    QFETCH(bool, canRemove);
    QFETCH(bool, canChangeRole);
    ParticipantListModel model;
    model.setLocalUserId(me);
    model.applySnapshot(roster());
    const int row = model.rowOf(target);
    QCOMPARE(roleValue<bool>(model, row, ParticipantListModel::CanRemoveRole), canRemove);
    QCOMPARE(roleValue<bool>(model, row, ParticipantListModel::CanChangeRoleRole), canChangeRole);
}

// Issue 11: the last owner may leave (ownership passes on), so a second owner changes only
// that owner's row; the last owner's own "remove" (leave) was offered all along.
void TestModels::lastOwnerMayLeave()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    model.applySnapshot(roster());
    QCOMPARE(roleValue<bool>(model, 0, ParticipantListModel::CanRemoveRole), true);
    QCOMPARE(model.selfMayLeave(), true);
    ChangeRecorder rec(&model);

    model.upsert(person(QStringLiteral("u3"), QStringLiteral("Cleo"), Role::Owner));
    QCOMPARE(rec.changed.size(), 1);
    QCOMPARE(rec.changedRows(0), qMakePair(3, 3));
    QCOMPARE(roleValue<bool>(model, 0, ParticipantListModel::CanRemoveRole), true);
    QCOMPARE(rec.total(), 1);
}

void TestModels::localRoleChangeRefreshesPermissions()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u2"));
    model.applySnapshot(roster());
    ChangeRecorder rec(&model);
    QSignalSpy role(&model, &ParticipantListModel::myRoleChanged);

    model.upsert(person(QStringLiteral("u2"), QStringLiteral("Ben"), Role::Moderator));
    QCOMPARE(role.size(), 1);
    QCOMPARE(model.myRole(), u"moderator");
    QCOMPARE(model.isManager(), true);
    // Ben's own row, then every row's permissions.
    QCOMPARE(rec.changed.size(), 2);
    QCOMPARE(rec.changedRows(1), qMakePair(0, 3));
    QCOMPARE(roleValue<bool>(model, 2, ParticipantListModel::CanRemoveRole), true);
}

void TestModels::initials()
{
    QCOMPARE(ParticipantListModel::initialsOf(QStringLiteral("ana")), u"A");
    QCOMPARE(ParticipantListModel::initialsOf(QStringLiteral(" Math  the Helpy ")), u"MH");
    QCOMPARE(ParticipantListModel::initialsOf(QString()), u"?");
}

void TestModels::liveSlotTreeMatchesNaiveCount()
{
    QRandomGenerator random(17);
    for (int n : { 1, 2, 3, 7, 8, 9, 64, 100, 257 }) {
        LiveSlotTree tree;
        std::vector<bool> live;
        for (int i = 0; i < n; ++i) {
            tree.push();
            live.push_back(true);
            // Kill some as the tree grows: later pushes must count over dead slots.
            if (random.bounded(3) == 0) {
                const int slot = int(random.bounded(int(live.size())));
                if (live[size_t(slot)]) {
                    tree.kill(slot);
                    live[size_t(slot)] = false;
                }
            }
        }
        if (n > 4) { // and drop a few from the end
            for (int i = 0; i < 3; ++i) {
                tree.pop();
                live.pop_back();
            }
        }
        QCOMPARE(tree.slotCount(), qsizetype(live.size()));
        qsizetype before = 0;
        for (qsizetype slot = 0; slot <= qsizetype(live.size()); ++slot) {
            QCOMPARE(tree.liveBefore(slot), before);
            if (slot < qsizetype(live.size()) && live[size_t(slot)]) {
                QCOMPARE(tree.findLive(before), slot);
                ++before;
            }
        }
    }
    LiveSlotTree tree;
    tree.reset(13);
    QCOMPARE(tree.liveBefore(13), 13);
    QCOMPARE(tree.findLive(12), 12);
}

void TestModels::indexedRowsMatchesNaiveList()
{
    struct Item
    {
        QString id;
        int value = 0;
        bool operator==(const Item &) const = default;
    };
    IndexedRows<Item, &Item::id> rows;
    QList<Item> naive;
    QRandomGenerator random(5);
    int nextId = 0;
    // Phases that grow, churn and shrink the list, so that removals leave many empty slots
    // (compactions), remove the last rows (slots dropped) and re-add ids removed earlier.
    const QList<QPair<int, int>> phases { { 80, 20 }, { 50, 50 }, { 15, 85 }, { 60, 40 }, { 5, 95 },
        { 70, 30 }, { 30, 70 } };
    for (const auto &[addPercent, removePercent] : phases) {
        Q_UNUSED(removePercent);
        for (int step = 0; step < 1500; ++step) {
            const int dice = int(random.bounded(100));
            if (dice < addPercent || naive.isEmpty()) {
                // Mostly fresh ids, sometimes one that was removed before.
                const QString id = random.bounded(4) == 0
                    ? QStringLiteral("i%1").arg(random.bounded(qMax(1, nextId)))
                    : QStringLiteral("i%1").arg(nextId++);
                if (rows.contains(id))
                    continue;
                const Item item { id, int(random.bounded(1000)) };
                rows.append(item);
                naive.append(item);
            } else if (dice < 97) {
                // Any row; the last one now and then.
                const int row = random.bounded(4) == 0 ? int(naive.size()) - 1
                                                       : int(random.bounded(int(naive.size())));
                rows.removeAt(row);
                naive.removeAt(row);
            } else {
                const int row = int(random.bounded(int(naive.size())));
                const Item item { naive.at(row).id, int(random.bounded(1000)) };
                rows.replace(row, item);
                naive[row] = item;
            }
            QCOMPARE(rows.size(), naive.size());
            // Empty slots are compacted away before they outnumber the rows.
            QVERIFY(rows.slotCount() <= 2 * rows.size() + 33);
            for (int row = 0; row < naive.size(); ++row) {
                if (!(rows.at(row) == naive.at(row)) || rows.rowOf(naive.at(row).id) != row)
                    QFAIL(qPrintable(QStringLiteral("row %1 of %2 differs after step %3")
                                         .arg(row)
                                         .arg(naive.size())
                                         .arg(step)));
            }
        }
        QCOMPARE(rows.toList(), naive);
        for (int i = 0; i < nextId; ++i) {
            const QString id = QStringLiteral("i%1").arg(i);
            const auto it = std::find_if(
                naive.cbegin(), naive.cend(), [&](const Item &item) { return item.id == id; });
            QCOMPARE(rows.rowOf(id), it == naive.cend() ? -1 : int(it - naive.cbegin()));
            QCOMPARE(rows.contains(id), it != naive.cend());
        }
    }
    rows.clear();
    QVERIFY(rows.isEmpty());
    QCOMPARE(rows.rowOf(QStringLiteral("i0")), -1);
    rows.append({ QStringLiteral("i0"), 1 });
    QCOMPARE(rows.rowOf(QStringLiteral("i0")), 0);
}

// Random upserts, removals, snapshot diffs and clears on a roster that grows and shrinks:
// the model must show what a naive list shows, find every row by id, and its signals must
// describe each change (the view's copy stays equal to the model).
void TestModels::participantRandomEventsMatchNaiveModel()
{
    ParticipantListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("p3"));
    ShownCopy shown(&model, rolesOf(model, ParticipantListModel::IdRole));
    QSignalSpy count(&model, &ParticipantListModel::countChanged);
    QList<Participant> naive;
    QRandomGenerator random(11);
    constexpr int Pool = 160; // ids come back after being removed

    auto randomParticipant = [&](const QString &id) {
        Participant p = person(id, QStringLiteral("Name %1").arg(random.bounded(5)),
            Role(random.bounded(3)), Presence(random.bounded(3)));
        if (random.bounded(6) == 0)
            p.type = ParticipantType::Helpy;
        return p;
    };
    auto indexOf = [&](const QString &id) {
        for (int i = 0; i < naive.size(); ++i) {
            if (naive.at(i).id == id)
                return i;
        }
        return -1;
    };

    for (int step = 0; step < 2500; ++step) {
        // Grow for a while, then shrink, so that removals pile up empty slots.
        const bool growing = (step / 400) % 2 == 0;
        const int dice = int(random.bounded(100));
        const qsizetype sizeBefore = model.count();
        count.clear();
        if (dice < (growing ? 45 : 15)) {
            const QString id = QStringLiteral("p%1").arg(random.bounded(Pool));
            const Participant p = randomParticipant(id);
            model.upsert(p);
            const int at = indexOf(id);
            if (at >= 0)
                naive[at] = p;
            else
                naive.append(p);
        } else if (dice < 85) {
            const bool unknown = naive.isEmpty() || random.bounded(10) == 0;
            const QString id = unknown ? QStringLiteral("nobody")
                                       : naive.at(random.bounded(int(naive.size()))).id;
            model.remove(id);
            if (!unknown)
                naive.removeAt(indexOf(id));
        } else if (dice < 99) {
            // A snapshot: most rows kept (some changed), some gone, some new, any order.
            QList<Participant> next;
            for (const Participant &p : naive) {
                if (random.bounded(growing ? 20 : 5) == 0)
                    continue;
                next.append(random.bounded(8) == 0 ? randomParticipant(p.id) : p);
            }
            for (int i = int(random.bounded(growing ? 12 : 3)); i > 0; --i) {
                const QString id = QStringLiteral("p%1").arg(random.bounded(Pool));
                if (std::none_of(next.cbegin(), next.cend(),
                        [&](const Participant &p) { return p.id == id; }))
                    next.append(randomParticipant(id));
            }
            std::shuffle(next.begin(), next.end(), random);
            model.applySnapshot(next);
            naive = firstOfEachId<Participant, &Participant::id>(next); // the server's order
        } else {
            model.clear();
            naive.clear();
        }

        const QString where = QStringLiteral("step %1, %2 rows").arg(step).arg(naive.size());
        QVERIFY2(model.participants() == naive, qPrintable(where));
        for (int row = 0; row < naive.size(); ++row)
            QVERIFY2(model.rowOf(naive.at(row).id) == row, qPrintable(where));
        QVERIFY2(shown.rows == shown.current(), qPrintable(where));
        QCOMPARE(shown.wrongRemovals, 0);
        QCOMPARE(shown.unexpected, 0);
        if (model.count() != sizeBefore)
            QVERIFY2(!count.isEmpty(), qPrintable(where));
    }
    for (int i = 0; i < Pool; ++i) {
        const QString id = QStringLiteral("p%1").arg(i);
        QCOMPARE(model.rowOf(id), indexOf(id));
    }
}

void TestModels::sessionRandomEventsMatchNaiveModel()
{
    SessionListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ShownCopy shown(&model, rolesOf(model, SessionListModel::SessionIdRole));
    QList<SessionSummary> naive;
    QRandomGenerator random(23);
    auto randomSession = [&](int n) {
        return SessionSummary { QStringLiteral("s%1").arg(n),
            QStringLiteral("Session %1").arg(random.bounded(3)), Role(random.bounded(3)),
            int(random.bounded(4)), qint64(random.bounded(4)) };
    };
    auto indexOf = [&](const QString &id) {
        for (int i = 0; i < naive.size(); ++i) {
            if (naive.at(i).sessionId == id)
                return i;
        }
        return -1;
    };
    model.setSessions({}); // loaded, nothing shown yet
    for (int step = 0; step < 2000; ++step) {
        const bool growing = (step / 300) % 2 == 0;
        const int dice = int(random.bounded(100));
        if (dice < (growing ? 50 : 15)) {
            const SessionSummary s = randomSession(int(random.bounded(120)));
            model.upsert(s);
            const int at = indexOf(s.sessionId);
            if (at >= 0)
                naive[at] = s;
            else
                naive.append(s);
        } else if (dice < 88) {
            if (naive.isEmpty())
                continue;
            const QString id = naive.at(random.bounded(int(naive.size()))).sessionId;
            model.remove(id);
            naive.removeAt(indexOf(id));
        } else if (dice < 99) {
            QList<SessionSummary> next;
            for (const SessionSummary &s : naive) {
                if (random.bounded(growing ? 15 : 4) == 0)
                    continue;
                next.append(random.bounded(6) == 0 ? randomSession(s.sessionId.mid(1).toInt()) : s);
            }
            for (int i = int(random.bounded(5)); i > 0; --i) {
                const SessionSummary s = randomSession(int(random.bounded(120)));
                if (std::none_of(next.cbegin(), next.cend(),
                        [&](const SessionSummary &n) { return n.sessionId == s.sessionId; }))
                    next.append(s);
            }
            std::shuffle(next.begin(), next.end(), random);
            model.setSessions(next);
            naive = naiveDiff<SessionSummary, &SessionSummary::sessionId>(naive, next);
        } else {
            model.clear();
            naive.clear();
        }
        const QString where = QStringLiteral("step %1, %2 rows").arg(step).arg(naive.size());
        QVERIFY2(model.count() == naive.size(), qPrintable(where));
        for (int row = 0; row < naive.size(); ++row) {
            const SessionSummary &s = naive.at(row);
            QVERIFY2(model.rowOf(s.sessionId) == row, qPrintable(where));
            QVERIFY2(roleValue<QString>(model, row, SessionListModel::TitleRole) == s.title
                    && roleValue<int>(model, row, SessionListModel::ParticipantCountRole)
                        == s.participantCount
                    && roleValue<qint64>(model, row, SessionListModel::RevisionRole) == s.revision
                    && roleValue<QString>(model, row, SessionListModel::RoleRole)
                        == toString(s.role),
                qPrintable(where));
        }
        QVERIFY2(shown.rows == shown.current(), qPrintable(where));
        QCOMPARE(shown.wrongRemovals, 0);
        QCOMPARE(shown.unexpected, 0);
        QCOMPARE(shown.ids(), [&] {
            QStringList ids;
            for (const SessionSummary &s : naive)
                ids.append(s.sessionId);
            return ids;
        }());
    }
}

void TestModels::messagePendingConfirmedInPlace()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(QStringLiteral("u1"));
    model.applySnapshot({});
    ChangeRecorder rec(&model);

    model.addPending(
        QStringLiteral("r1"), QStringLiteral("u1"), QStringLiteral("Ana"), QStringLiteral("hello"));
    QCOMPARE(rec.inserted.size(), 1);
    QCOMPARE(roleValue<QString>(model, 0, MessageListModel::StatusRole), u"pending");
    QCOMPARE(roleValue<bool>(model, 0, MessageListModel::IsOwnRole), true);

    // Someone else speaks before the answer: appended after.
    ChatMessage other { QStringLiteral("m1"), QStringLiteral("u2"), QStringLiteral("hi"),
        QDateTime::currentDateTimeUtc(), 5, QStringLiteral("r1") };
    model.addMessage(MessageListModel::fromMessage(other, QStringLiteral("Ben")));
    QCOMPARE(rec.inserted.size(), 2);
    QCOMPARE(roleValue<bool>(model, 1, MessageListModel::IsOwnRole), false);

    rec.clear();
    ChatMessage mine { QStringLiteral("m2"), QStringLiteral("u1"), QStringLiteral("hello"),
        QDateTime::currentDateTimeUtc(), 6, QStringLiteral("r1") };
    model.addMessage(MessageListModel::fromMessage(mine, QStringLiteral("Ana")));
    QCOMPARE(rec.total(), 1);
    QCOMPARE(rec.changedRows(), qMakePair(0, 0));
    QVERIFY(rec.changedRoles().contains(MessageListModel::StatusRole));
    QCOMPARE(roleValue<QString>(model, 0, MessageListModel::StatusRole), u"sent");
    QCOMPARE(roleValue<QString>(model, 0, MessageListModel::IdRole), u"m2");
    QCOMPARE(model.rowOf(QStringLiteral("m2")), 0);

    // The same message again (a resume overlapping what we had) changes nothing.
    rec.clear();
    model.addMessage(MessageListModel::fromMessage(mine, QStringLiteral("Ana")));
    QCOMPARE(rec.total(), 0);

    model.addSystemLine(QStringLiteral("event:1"), QStringLiteral("Ana added Math Helpy"),
        QDateTime::currentDateTimeUtc());
    QCOMPARE(rec.inserted.size(), 1);
    QCOMPARE(roleValue<bool>(model, 2, MessageListModel::IsSystemRole), true);
    QCOMPARE(roleValue<bool>(model, 2, MessageListModel::IsOwnRole), false);
}

void TestModels::messageFailed()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPending(
        QStringLiteral("r1"), QStringLiteral("u1"), QStringLiteral("Ana"), QStringLiteral("hello"));
    ChangeRecorder rec(&model);
    model.markFailed(QStringLiteral("r1"));
    QCOMPARE(rec.total(), 1);
    QCOMPARE(rec.changedRoles(), QList<int> { MessageListModel::StatusRole });
    QCOMPARE(roleValue<QString>(model, 0, MessageListModel::StatusRole), u"failed");
    model.markFailed(QStringLiteral("r1"));
    model.markFailed(QStringLiteral("unknown"));
    QCOMPARE(rec.total(), 1);
}

void TestModels::messageSnapshotAppendsOnlyNew()
{
    auto message = [](int n) {
        return MessageListModel::fromMessage(
            ChatMessage { QStringLiteral("m%1").arg(n), QStringLiteral("u2"),
                QStringLiteral("text %1").arg(n), QDateTime::currentDateTimeUtc(), n, {} },
            QStringLiteral("Ben"));
    };
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangeRecorder rec(&model);
    model.applySnapshot({ message(1), message(2) });
    QCOMPARE(rec.reset.size(), 1);
    rec.clear();
    model.applySnapshot({ message(1), message(2), message(3) });
    QCOMPARE(rec.reset.size(), 0);
    QCOMPARE(rec.total(), 1);
    QCOMPARE(ChangeRecorder::range(rec.inserted), qMakePair(2, 2));
}

void TestModels::sessionListDiff()
{
    auto summary = [](const QString &id, int count) {
        return SessionSummary { id, QStringLiteral("Session ") + id, Role::Member, count, 1 };
    };
    SessionListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangeRecorder rec(&model);
    model.setSessions({ summary(QStringLiteral("a"), 2), summary(QStringLiteral("b"), 3) });
    QCOMPARE(rec.reset.size(), 1);
    rec.clear();
    model.setSessions({ summary(QStringLiteral("b"), 4), summary(QStringLiteral("c"), 1) });
    QCOMPARE(rec.reset.size(), 0);
    QCOMPARE(rec.removed.size(), 1);
    QCOMPARE(ChangeRecorder::range(rec.removed), qMakePair(0, 0));
    QCOMPARE(rec.changed.size(), 1);
    QCOMPARE(rec.changedRoles(), QList<int> { SessionListModel::ParticipantCountRole });
    QCOMPARE(rec.inserted.size(), 1);
    QCOMPARE(model.rowOf(QStringLiteral("c")), 1);
}

// The whole client pipeline without a server: the service's signals are what the socket
// would emit; the notifier orders them and the GroupSession turns them into row changes.
void TestModels::groupSessionAppliesEvents()
{
    WebSocketService service;
    GroupSession session(&service, QStringLiteral("s1"));
    QAbstractItemModelTester participantTester(
        session.participants(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester messageTester(
        session.messages(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    Q_EMIT service.welcomed(Welcome { 1, QStringLiteral("u2"), QStringLiteral("t"), {}, 15 });

    ChangeRecorder people(session.participants());
    ChangeRecorder chat(session.messages());
    SessionSnapshot snapshot { QStringLiteral("s1"), QStringLiteral("e1"), 10,
        QStringLiteral("Algebra"), roster(), {} };
    snapshot.messages.append(ChatMessage {
        QStringLiteral("m1"), QStringLiteral("u1"), QStringLiteral("welcome"), {}, 9, {} });
    Q_EMIT service.sessionSnapshotReceived(snapshot);
    QCOMPARE(session.isLoaded(), true);
    QCOMPARE(session.title(), u"Algebra");
    QCOMPARE(session.myRole(), u"member");
    QCOMPARE(session.canManage(), false);
    QCOMPARE(people.reset.size(), 1);
    QCOMPARE(chat.reset.size(), 1);
    QCOMPARE(
        roleValue<QString>(*session.messages(), 0, MessageListModel::AuthorNameRole), u"Ana Lima");
    people.clear();
    chat.clear();

    ParticipantChangeEvent added;
    added.type = ParticipantChangeEvent::Type::Added;
    added.sessionId = QStringLiteral("s1");
    added.epoch = QStringLiteral("e1");
    added.revision = 11;
    added.participantId = QStringLiteral("h2");
    added.participantType = ParticipantType::Helpy;
    added.participant = helpy(QStringLiteral("h2"), QStringLiteral("Chem Helpy"));
    added.actorId = QStringLiteral("u1");
    added.timestamp = QDateTime::currentDateTimeUtc();
    Q_EMIT service.participantChanged(added);
    QCOMPARE(people.total(), 1);
    QCOMPARE(ChangeRecorder::range(people.inserted), qMakePair(4, 4));
    QCOMPARE(chat.total(), 1);
    QCOMPARE(roleValue<QString>(*session.messages(), 1, MessageListModel::TextRole),
        u"Ana Lima added Chem Helpy");

    people.clear();
    chat.clear();
    ParticipantChangeEvent updated = added;
    updated.type = ParticipantChangeEvent::Type::Updated;
    updated.revision = 12;
    updated.participantId = QStringLiteral("u2");
    updated.participant = person(QStringLiteral("u2"), QStringLiteral("Ben"), Role::Moderator);
    Q_EMIT service.participantChanged(updated);
    QCOMPARE(session.canManage(), true);
    QCOMPARE(people.inserted.size() + people.removed.size() + people.reset.size(), 0);
    QCOMPARE(people.changedRows(0), qMakePair(1, 1));
    QCOMPARE(roleValue<QString>(*session.messages(), 2, MessageListModel::TextRole),
        u"Ana Lima made Ben a moderator");

    people.clear();
    chat.clear();
    ParticipantChangeEvent removed = added;
    removed.type = ParticipantChangeEvent::Type::Removed;
    removed.revision = 13;
    removed.reason = ParticipantChangeEvent::Reason::Removed;
    removed.participant = {};
    Q_EMIT service.participantChanged(removed);
    QCOMPARE(people.total(), 1);
    QCOMPARE(ChangeRecorder::range(people.removed), qMakePair(4, 4));
    QCOMPARE(roleValue<QString>(*session.messages(), 3, MessageListModel::TextRole),
        u"Ana Lima removed Chem Helpy");

    chat.clear();
    MessageEvent message { QStringLiteral("s1"), QStringLiteral("e1"),
        ChatMessage {
            QStringLiteral("m2"), QStringLiteral("u3"), QStringLiteral("hi all"), {}, 14, {} } };
    Q_EMIT service.messageReceived(message);
    QCOMPARE(chat.total(), 1);
    QCOMPARE(roleValue<QString>(*session.messages(), 4, MessageListModel::AuthorNameRole), u"Cleo");

    // A later snapshot that differs by one participant: one row change, no reset.
    people.clear();
    SessionSnapshot later = snapshot;
    later.revision = 20;
    later.participants[1].role = Role::Moderator; // as after revision 12
    later.participants.append(person(QStringLiteral("u9"), QStringLiteral("Eve")));
    Q_EMIT service.sessionSnapshotReceived(later);
    QCOMPARE(people.reset.size(), 0);
    QCOMPARE(people.total(), 1);
    QCOMPARE(ChangeRecorder::range(people.inserted), qMakePair(4, 4));
}

void TestModels::groupSessionIgnoresGapsAndOtherSessions()
{
    WebSocketService service;
    GroupSession session(&service, QStringLiteral("s1"));
    Q_EMIT service.sessionSnapshotReceived(SessionSnapshot {
        QStringLiteral("s1"), QStringLiteral("e1"), 10, QStringLiteral("A"), roster(), {} });
    ChangeRecorder people(session.participants());

    ParticipantChangeEvent event;
    event.type = ParticipantChangeEvent::Type::Added;
    event.sessionId = QStringLiteral("s1");
    event.epoch = QStringLiteral("e1");
    event.revision = 12; // 11 is missing: a gap, resolved by a resume, not applied
    event.participantId = QStringLiteral("h5");
    event.participant = helpy(QStringLiteral("h5"), QStringLiteral("X"));
    Q_EMIT service.participantChanged(event);
    event.sessionId = QStringLiteral("other");
    event.revision = 11;
    Q_EMIT service.participantChanged(event);
    QCOMPARE(people.total(), 0);
}

void TestModels::groupSessionTypingText()
{
    WebSocketService service;
    GroupSession session(&service, QStringLiteral("s1"));
    Q_EMIT service.sessionSnapshotReceived(SessionSnapshot {
        QStringLiteral("s1"), QStringLiteral("e1"), 1, QStringLiteral("A"), roster(), {} });
    Q_EMIT service.typingChanged(TypingEvent { QStringLiteral("s1"), QStringLiteral("u2"), true });
    QCOMPARE(session.typingText(), u"Ben is typing…");
    Q_EMIT service.typingChanged(TypingEvent { QStringLiteral("s1"), QStringLiteral("u3"), true });
    QCOMPARE(session.typingText(), u"Ben and Cleo are typing…");
    Q_EMIT service.typingChanged(TypingEvent { QStringLiteral("s1"), QStringLiteral("u2"), false });
    Q_EMIT service.typingChanged(TypingEvent { QStringLiteral("s1"), QStringLiteral("u3"), false });
    QCOMPARE(session.typingText(), QString());
}

// While the connection is down, others' presence is unknown; known again once the session
// caught up (a snapshot or the answer to the resume).
void TestModels::othersPresenceIsUnknownWhileDisconnected()
{
    WebSocketService service;
    GroupSession session(&service, QStringLiteral("s1"));
    Q_EMIT service.welcomed(Welcome { 1, QStringLiteral("u2"), QStringLiteral("t"), {}, 15 });
    Q_EMIT service.sessionSnapshotReceived(SessionSnapshot {
        QStringLiteral("s1"), QStringLiteral("e1"), 1, QStringLiteral("A"), roster(), {} });
    ParticipantListModel *people = session.participants();
    QAbstractItemModelTester tester(people, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(people->presenceKnown(), true);
    QCOMPARE(roleValue<bool>(*people, 0, ParticipantListModel::PresenceKnownRole), true);

    ChangeRecorder rec(people);
    QSignalSpy known(people, &ParticipantListModel::presenceKnownChanged);
    Q_EMIT service.stateChanged(WebSocketService::State::Reconnecting);
    QCOMPARE(people->presenceKnown(), false);
    QCOMPARE(known.size(), 1);
    QCOMPARE(rec.total(), 1);
    QCOMPARE(rec.changedRows(), qMakePair(0, people->count() - 1));
    QCOMPARE(rec.changedRoles(), QList<int> { ParticipantListModel::PresenceKnownRole });
    QCOMPARE(roleValue<bool>(*people, 0, ParticipantListModel::PresenceKnownRole), false);
    QCOMPARE(roleValue<bool>(*people, 1, ParticipantListModel::PresenceKnownRole), true); // self
    // Still "online" underneath: the value is kept, only shown as unknown.
    QCOMPARE(roleValue<QString>(*people, 0, ParticipantListModel::PresenceRole), u"online");

    // Connected again is not enough: the presence is known once the session caught up.
    Q_EMIT service.stateChanged(WebSocketService::State::Connected);
    QCOMPARE(people->presenceKnown(), false);
    Q_EMIT service.sessionSnapshotReceived(SessionSnapshot {
        QStringLiteral("s1"), QStringLiteral("e1"), 2, QStringLiteral("A"), roster(), {} });
    QCOMPARE(people->presenceKnown(), true);
    QCOMPARE(roleValue<bool>(*people, 0, ParticipantListModel::PresenceKnownRole), true);
}

// A message keeps the name it was sent under; once its author is gone, the row says so.
void TestModels::aLeftAuthorsRowsSayTheyLeft()
{
    WebSocketService service;
    GroupSession session(&service, QStringLiteral("s1"));
    Q_EMIT service.welcomed(Welcome { 1, QStringLiteral("u2"), QStringLiteral("t"), {}, 15 });
    SessionSnapshot snapshot { QStringLiteral("s1"), QStringLiteral("e1"), 10, QStringLiteral("A"),
        roster(), {} };
    ChatMessage fromCleo { QStringLiteral("m1"), QStringLiteral("u3"), QStringLiteral("hi"), {}, 8,
        {}, QStringLiteral("Cleo") };
    ChatMessage fromGone { QStringLiteral("m2"), QStringLiteral("u-9ed1dc556071"),
        QStringLiteral("bye"), {}, 9, {}, QStringLiteral("Dan") };
    snapshot.messages = { fromCleo, fromGone };
    Q_EMIT service.sessionSnapshotReceived(snapshot);
    MessageListModel *chat = session.messages();
    QAbstractItemModelTester tester(chat, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(roleValue<QString>(*chat, 0, MessageListModel::AuthorNameRole), u"Cleo");
    QCOMPARE(roleValue<QString>(*chat, 1, MessageListModel::AuthorNameRole), u"Dan (left)");

    ChangeRecorder rec(chat);
    ParticipantChangeEvent removed;
    removed.type = ParticipantChangeEvent::Type::Removed;
    removed.sessionId = QStringLiteral("s1");
    removed.epoch = QStringLiteral("e1");
    removed.revision = 11;
    removed.participantId = QStringLiteral("u3");
    removed.reason = ParticipantChangeEvent::Reason::Left;
    removed.actorId = QStringLiteral("u3");
    removed.timestamp = QDateTime::currentDateTimeUtc();
    Q_EMIT service.participantChanged(removed);
    QCOMPARE(roleValue<QString>(*chat, 0, MessageListModel::AuthorNameRole), u"Cleo (left)");
    QCOMPARE(rec.changed.size(), 1);
    QCOMPARE(rec.changedRows(), qMakePair(0, 0));
    QCOMPARE(rec.changedRoles(), QList<int> { MessageListModel::AuthorNameRole });
    QCOMPARE(roleValue<QString>(*chat, 2, MessageListModel::TextRole), u"Cleo left");
}

// The snapshot's membership entries are the chat's lines, between the messages by revision.
void TestModels::membershipLinesComeFromTheHistoryInRevisionOrder()
{
    WebSocketService service;
    GroupSession session(&service, QStringLiteral("s1"));
    SessionSnapshot snapshot { QStringLiteral("s1"), QStringLiteral("e1"), 10, QStringLiteral("A"),
        roster(), {} };
    snapshot.messages = { ChatMessage { QStringLiteral("m1"), QStringLiteral("u1"),
        QStringLiteral("hi"), {}, 3, {}, QStringLiteral("Ana Lima") } };
    MembershipEntry joined;
    joined.revision = 1;
    joined.change = MembershipEntry::Change::Joined;
    joined.participantId = QStringLiteral("u1");
    joined.participantName = QStringLiteral("Ana Lima");
    MembershipEntry added = joined;
    added.revision = 4;
    added.change = MembershipEntry::Change::Added;
    added.participantId = QStringLiteral("h1");
    added.participantName = QStringLiteral("Math Helpy");
    added.actorId = QStringLiteral("u1");
    added.actorName = QStringLiteral("Ana Lima");
    MembershipEntry removed = added;
    removed.revision = 5;
    removed.change = MembershipEntry::Change::Removed;
    removed.participantId = QStringLiteral("u-9ed1dc556071");
    removed.participantName = QStringLiteral("Dan");
    MembershipEntry promoted = added;
    promoted.revision = 6;
    promoted.change = MembershipEntry::Change::RoleChanged;
    promoted.participantId = QStringLiteral("u3");
    promoted.participantName = QStringLiteral("Cleo");
    promoted.role = Role::Moderator;
    snapshot.membership = { joined, added, removed, promoted };
    Q_EMIT service.sessionSnapshotReceived(snapshot);
    QStringList texts;
    for (int row = 0; row < session.messages()->count(); ++row)
        texts << roleValue<QString>(*session.messages(), row, MessageListModel::TextRole);
    QCOMPARE(texts,
        QStringList({ u"Ana Lima joined"_s, u"hi"_s, u"Ana Lima added Math Helpy"_s,
            u"Ana Lima removed Dan"_s, u"Ana Lima made Cleo a moderator"_s }));

    // The live event of a line the snapshot had adds nothing; a presence change adds nothing.
    ParticipantChangeEvent presence;
    presence.type = ParticipantChangeEvent::Type::Updated;
    presence.sessionId = QStringLiteral("s1");
    presence.epoch = QStringLiteral("e1");
    presence.revision = 11;
    presence.participantId = QStringLiteral("u2");
    presence.participant = person(QStringLiteral("u2"), QStringLiteral("Ben"));
    presence.participant.presence = Presence::Offline;
    presence.actorId = QStringLiteral("u2");
    presence.timestamp = QDateTime::currentDateTimeUtc();
    Q_EMIT service.participantChanged(presence);
    QCOMPARE(session.messages()->count(), 5);
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
