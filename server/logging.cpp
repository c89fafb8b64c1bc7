// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcServer, "helpy.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTutors, "helpy.tutors", QtInfoMsg)
