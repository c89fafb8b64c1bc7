// SPDX-License-Identifier: MIT
// helpy-fake-tutor: the tests' fake chat-completions server as a program, so that
// scripts/screenshot.sh can show a Helpy answering without a model. Prints the base URL
// to pass as --helpy-endpoint (or the app's Helpy tutors address), then serves until killed.
#include "fakechatcompletions.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("A fake OpenAI-compatible chat-completions server (for screenshots)."));
    parser.addHelpOption();
    const QCommandLineOption answer(QStringLiteral("answer"),
        QStringLiteral("The answer it streams to every question."), QStringLiteral("text"));
    const QCommandLineOption interval(QStringLiteral("interval"),
        QStringLiteral("Milliseconds between two pieces of the stream (default 20)."),
        QStringLiteral("ms"));
    parser.addOptions({ answer, interval });
    parser.process(app);

    FakeChatCompletions fake;
    if (parser.isSet(answer))
        fake.answer = parser.value(answer);
    if (parser.isSet(interval))
        fake.pieceIntervalMs = parser.value(interval).toInt();
    if (!fake.listen()) {
        std::fprintf(stderr, "helpy-fake-tutor: cannot listen\n");
        return 1;
    }
    std::printf("listening at %s\n", qPrintable(fake.baseUrl().toString()));
    std::fflush(stdout);
    return app.exec();
}
