// SPDX-License-Identifier: MIT
// Replays the committed fuzz corpus (fuzz/corpus/) under the normal build, so the seeds and
// every reproducer added to them stay fixed without clang: no crash, stable round trips.
#include "framecheck.h"
#include "handlerscript.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QString corpusDir(const QString &target)
{
    return QStringLiteral(HELPY_FUZZ_CORPUS_DIR) + QLatin1Char('/') + target;
}

QStringList corpusFiles(const QString &target)
{
    QStringList files;
    const QDir dir(corpusDir(target));
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name))
        files.append(dir.filePath(name));
    return files;
}

QByteArray contents(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s: %s", qPrintable(path), qPrintable(file.errorString()));
    return file.readAll();
}

/// A handler script's line without its "N>" connection prefix: a client frame on its own.
QByteArray frameOfLine(QByteArray line)
{
    if (line.size() >= 2 && line.at(0) >= '0' && line.at(0) <= '9' && line.at(1) == '>')
        line.remove(0, 2);
    return line;
}

} // namespace

class TestCorpusReplay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void corpusIsThere()
    {
        QVERIFY2(corpusFiles(u"frame_decoder"_s).size() >= 20, HELPY_FUZZ_CORPUS_DIR);
        QVERIFY2(corpusFiles(u"request_handler"_s).size() >= 20, HELPY_FUZZ_CORPUS_DIR);
    }

    void decoder_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        for (const QString &path : corpusFiles(u"frame_decoder"_s))
            QTest::newRow(qPrintable(QFileInfo(path).fileName())) << contents(path);
        // The frames of the handler scripts are decoder inputs too.
        for (const QString &path : corpusFiles(u"request_handler"_s)) {
            const QList<QByteArray> lines = contents(path).split('\n');
            for (qsizetype i = 0; i < lines.size(); ++i) {
                if (!lines.at(i).isEmpty())
                    QTest::addRow("%s:%lld", qPrintable(QFileInfo(path).fileName()),
                        static_cast<long long>(i + 1))
                        << frameOfLine(lines.at(i));
            }
        }
    }

    void decoder()
    {
        QFETCH(QByteArray, bytes);
        if (const auto failure = FrameCheck::checkClientFrame(bytes))
            QFAIL(qPrintable(*failure));
        if (const auto failure = FrameCheck::checkServerFrame(bytes))
            QFAIL(qPrintable(*failure));
    }

    void requestHandler_data()
    {
        QTest::addColumn<QByteArray>("script");
        for (const QString &path : corpusFiles(u"request_handler"_s))
            QTest::newRow(qPrintable(QFileInfo(path).fileName())) << contents(path);
    }

    void requestHandler()
    {
        QFETCH(QByteArray, script);
        HandlerScript run;
        if (const auto failure = run.run(script))
            QFAIL(qPrintable(*failure));
    }
};

QTEST_GUILESS_MAIN(TestCorpusReplay)
#include "tst_corpus_replay.moc"
