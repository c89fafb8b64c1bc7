// SPDX-License-Identifier: MIT
#include "cursorblinklimiter.h"

#include <QEvent>
#include <QGuiApplication>
#include <QStyleHints>

CursorBlinkLimiter::CursorBlinkLimiter(QObject *parent)
    : QObject(parent)
    , m_flashTime(QGuiApplication::styleHints()->cursorFlashTime())
{
    m_steady.setSingleShot(true);
    m_steady.setInterval(5000);
    connect(&m_steady, &QTimer::timeout, this, [this] { setBlinking(false); });
    qApp->installEventFilter(this);
    m_steady.start();
}

CursorBlinkLimiter::~CursorBlinkLimiter()
{
    qApp->removeEventFilter(this);
    setBlinking(true); // the style hint is the application's: leave it as found
}

void CursorBlinkLimiter::setBlinkTimeout(int ms)
{
    if (ms == m_steady.interval())
        return;
    m_steady.setInterval(qMax(0, ms));
    setBlinking(ms > 0);
    if (ms > 0)
        m_steady.start();
    Q_EMIT blinkTimeoutChanged();
}

bool CursorBlinkLimiter::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::FocusIn:
    case QEvent::InputMethod:
        // Every window and item sees the event in turn: restart once per event is enough.
        if (m_steady.interval() > 0) {
            setBlinking(true);
            m_steady.start();
        }
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void CursorBlinkLimiter::setBlinking(bool blinking)
{
    if (blinking == m_blinking)
        return;
    m_blinking = blinking;
    // Text fields follow the style hint at once (cursorFlashTimeChanged).
    QGuiApplication::styleHints()->setCursorFlashTime(blinking ? m_flashTime : 0);
    Q_EMIT blinkingChanged();
}
