// SPDX-License-Identifier: MIT
// The permission table drives both sides: for each row, a real server is brought into the
// row's situation; the rule book (on the server's roster), the participant list's offers and
// the server's answer to the request must all say what the row says.
#include "participantlistmodel.h"
#include "permissionscene.h"
#include "permissiontable.h"
#include "rawclient.h"
#include "roster.h"
#include "rules.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QTest>

using namespace Protocol;
using namespace Qt::StringLiterals;
using PermissionTable::Action;
using PermissionTable::Scene;

namespace {

QString answerOf(const QJsonObject &answer)
{
    return answer["type"].toString() == u"ack"_s ? u"allowed"_s : answer["code"].toString();
}

QString expected(const PermissionTable::Row &row)
{
    return row.refusal ? toString(*row.refusal) : u"allowed"_s;
}

} // namespace

class TestRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void table_data()
    {
        QTest::addColumn<int>("index");
        const auto rows = PermissionTable::rows();
        for (int i = 0; i < rows.size(); ++i)
            QTest::newRow(rows.at(i).name) << i;
    }

    void table()
    {
        QFETCH(int, index);
        const PermissionTable::Row row = PermissionTable::rows().at(index);
        Scene scene;
        QVERIFY(scene.build(row.roster));
        const Roster roster = scene.roster();
        QCOMPARE(roster.size(), int(row.roster.size()));
        const QString actor = scene.idOf.value(u"A"_s);
        const QString target = scene.idOf.value(row.target);

        // The rule book, on the server's roster.
        Rules::Verdict verdict;
        switch (row.action) {
        case Action::Remove:
            verdict = Rules::mayRemove(roster, actor, target);
            break;
        case Action::SetRole:
            verdict = Rules::maySetRole(roster, actor, target, row.role);
            break;
        case Action::AddUser:
            verdict = Rules::mayAdd(roster, actor, ParticipantType::User);
            break;
        case Action::AddHelpy:
            verdict = Rules::mayAdd(roster, actor, ParticipantType::Helpy);
            break;
        case Action::CreateInvite:
            verdict = Rules::mayCreateInvite(roster, actor);
            break;
        case Action::Ban:
            verdict = Rules::mayBan(roster, actor, target);
            break;
        case Action::UpdateHelpy:
            verdict = Rules::mayUpdateHelpy(roster, actor, target);
            break;
        case Action::ChangeSettings:
            verdict = Rules::mayChangeSettings(roster, actor);
            break;
        case Action::Rename:
            verdict = Rules::mayRenameSession(roster, actor);
            break;
        case Action::Delete:
            verdict = Rules::mayDeleteSession(roster, actor);
            break;
        }
        QCOMPARE(verdict ? u"allowed"_s : toString(verdict.code), expected(row));

        // What the participant list offers A.
        ParticipantListModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setLocalUserId(actor);
        model.applySnapshot(roster.participants());
        const QModelIndex targetRow = model.index(model.rowOf(target));
        switch (row.action) {
        case Action::Remove:
            QCOMPARE(targetRow.data(ParticipantListModel::CanRemoveRole).toBool(),
                !row.refusal.has_value());
            break;
        case Action::SetRole:
            QCOMPARE(targetRow.data(ParticipantListModel::CanChangeRoleRole).toBool(),
                !row.refusal.has_value());
            break;
        case Action::AddUser:
        case Action::CreateInvite:
            QCOMPARE(model.isManager(), !row.refusal.has_value());
            break;
        case Action::AddHelpy:
            QCOMPARE(model.selfMayAddHelpy(), !row.refusal.has_value());
            break;
        case Action::Ban:
        case Action::UpdateHelpy:
        case Action::ChangeSettings:
            break; // not offered in the app yet
        case Action::Rename:
        case Action::Delete:
            break; // offered by GroupSession::canRename / canDelete, which ask the rule book
        }

        // The server's answer to A's request: the same decision, in the rule book's words.
        RawClient &a = scene.client(u"A"_s);
        QJsonObject request;
        switch (row.action) {
        case Action::Remove:
            request = target == actor
                ? QJsonObject { { "type", "leave_session" }, { "sessionId", scene.sessionId } }
                : QJsonObject { { "type", "remove_participant" }, { "sessionId", scene.sessionId },
                      { "participantId", target } };
            break;
        case Action::SetRole:
            request = { { "type", "set_role" }, { "sessionId", scene.sessionId },
                { "participantId", target }, { "role", toString(row.role) } };
            break;
        case Action::AddUser: {
            QVERIFY(scene.signIn(u"Newcomer"_s));
            request = { { "type", "add_participant" }, { "sessionId", scene.sessionId },
                { "participantType", "user" },
                { "participantId", scene.idOf.value(u"Newcomer"_s) } };
            break;
        }
        case Action::AddHelpy:
            request = { { "type", "add_participant" }, { "sessionId", scene.sessionId },
                { "participantType", "helpy" }, { "displayName", "Art Helpy" } };
            break;
        case Action::CreateInvite:
            request = { { "type", "create_invite" }, { "sessionId", scene.sessionId } };
            break;
        case Action::Ban:
            request = { { "type", "ban_participant" }, { "sessionId", scene.sessionId },
                { "participantId", target } };
            break;
        case Action::UpdateHelpy:
            request = { { "type", "update_helpy" }, { "sessionId", scene.sessionId },
                { "participantId", target }, { "subject", "Art history" } };
            break;
        case Action::ChangeSettings:
            request = { { "type", "set_session_settings" }, { "sessionId", scene.sessionId },
                { "helpysAnswerQuestions", true } };
            break;
        case Action::Rename:
            request = { { "type", "rename_session" }, { "sessionId", scene.sessionId },
                { "title", "Renamed" } };
            break;
        case Action::Delete:
            request = { { "type", "delete_session" }, { "sessionId", scene.sessionId } };
            break;
        }
        const QJsonObject answer = a.request(request);
        QCOMPARE(answerOf(answer), expected(row));
        if (row.refusal)
            QCOMPARE(answer["message"].toString(), verdict.reason);
    }

    // The offers follow the table as the situation changes live: a change of the local
    // user's role changes the rows and the Add Helpy offer without a reload.
    void offersFollowTheRoster()
    {
        Roster roster;
        ParticipantListModel model(&roster);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setLocalUserId(u"a"_s);
        Participant a { u"a"_s, ParticipantType::User, u"Ana"_s, Role::Owner };
        Participant b { u"b"_s, ParticipantType::User, u"Ben"_s, Role::Member };
        roster.upsert(a);
        QVERIFY(model.index(0).data(ParticipantListModel::CanRemoveRole).toBool()); // alone
        roster.upsert(b);
        // Issue 11: the last owner may leave with others there (ownership passes on); this
        // used to turn the offer off until b became owner too.
        QVERIFY(model.index(0).data(ParticipantListModel::CanRemoveRole).toBool());
        QCOMPARE(Rules::nextOwner(roster, u"a"_s), u"b"_s);
        QVERIFY(model.index(1).data(ParticipantListModel::CanRemoveRole).toBool());
        QVERIFY(model.selfMayAddHelpy());
        b.role = Role::Owner;
        roster.upsert(b);
        a.role = Role::Member;
        roster.upsert(a);
        QVERIFY(!model.index(1).data(ParticipantListModel::CanRemoveRole).toBool());
        QVERIFY(!model.selfMayAddHelpy());
        QCOMPARE(bool(Rules::mayRemove(roster, u"a"_s, u"a"_s)), true);
        QVERIFY(Rules::nextOwner(roster, u"a"_s).isEmpty()); // a owns nothing to pass on
    }
};

QTEST_GUILESS_MAIN(TestRules)
#include "tst_rules.moc"
