// SPDX-License-Identifier: MIT
// libFuzzer target: the server's request handling, through SessionServerTester.
// Each input is a script of client frames on up to four in-memory connections (see
// handlerscript.h for the format) run against a fresh server.
#include "handlerscript.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // Timers (hello, presence grace) need an application; they never fire during a run.
    static QCoreApplication app(*argc, *argv);
    QLoggingCategory::setFilterRules(QStringLiteral("helpy.*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HandlerScript script;
    if (const auto failure
        = script.run(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)))) {
        std::fprintf(stderr, "request handler failure: %s\n", qPrintable(*failure));
        std::abort();
    }
    return 0;
}
