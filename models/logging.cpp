// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcModels, "helpy.models", QtInfoMsg)
