// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcNet, "helpy.net", QtInfoMsg)
