// SPDX-License-Identifier: MIT
// libFuzzer target: the protocol codec. Any bytes may be decoded as a client frame and as a
// server frame without a crash; whatever decodes must survive encode → decode unchanged.
#include "framecheck.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

void require(const std::optional<QString> &failure)
{
    if (!failure)
        return;
    std::fprintf(stderr, "round-trip failure: %s\n", qPrintable(*failure));
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    require(FrameCheck::checkClientFrame(bytes));
    require(FrameCheck::checkServerFrame(bytes));
    return 0;
}
