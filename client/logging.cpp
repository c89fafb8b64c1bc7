// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcClient, "helpy.client", QtInfoMsg)
