// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcHost, "helpy.host", QtInfoMsg)
