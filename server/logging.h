// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServer) // helpy.server
Q_DECLARE_LOGGING_CATEGORY(lcTutors) // helpy.tutors
