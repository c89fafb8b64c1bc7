// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

/**
 * @brief Stops the text cursor blinking a while after the last key press or click, as GTK
 * does (gtk-cursor-blink-timeout): a window left open all day then draws nothing at all.
 *
 * Each blink is a whole frame of the window (the scene graph has no partial updates on
 * OpenGL, and with software OpenGL a frame of a 1040×680 window costs ~1 % of a core); the
 * cursor stays shown, only steady. Any key press, click or focus change starts it blinking
 * again. Put one in the window: `CursorBlinkLimiter {}`.
 */
class CursorBlinkLimiter : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    /// Milliseconds of blinking after the last input (default 5000; 0 never blinks).
    Q_PROPERTY(int blinkTimeout READ blinkTimeout WRITE setBlinkTimeout NOTIFY blinkTimeoutChanged)
    /// Whether the cursor blinks now.
    Q_PROPERTY(bool blinking READ isBlinking NOTIFY blinkingChanged)

public:
    explicit CursorBlinkLimiter(QObject *parent = nullptr);
    ~CursorBlinkLimiter() override;

    int blinkTimeout() const { return m_steady.interval(); }
    void setBlinkTimeout(int ms);
    bool isBlinking() const { return m_blinking; }

Q_SIGNALS:
    void blinkTimeoutChanged();
    void blinkingChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setBlinking(bool blinking);

    QTimer m_steady;
    int m_flashTime; // the platform's blink period, restored on input
    bool m_blinking = true;
};
