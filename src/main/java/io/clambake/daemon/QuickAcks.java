package io.clambake.daemon;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import jdk.net.ExtendedSocketOptions;

/**
 * Asks the system to acknowledge what the launcher sends at once rather than after TCP's delayed
 * acknowledgement (up to 40 ms on Linux). bash cannot turn Nagle's algorithm off, so a second
 * small write of the launcher's waits for the acknowledgement of the first. Linux grants the
 * request until this side next sends, so it is made again before each read; elsewhere it is not
 * offered and nothing happens.
 */
final class QuickAcks {
    private static final SocketOption<Boolean> QUICK_ACK = ExtendedSocketOptions.TCP_QUICKACK;

    private QuickAcks() {}

    static void request(Socket socket) {
        try {
            if (socket.supportedOptions().contains(QUICK_ACK)) {
                socket.setOption(QUICK_ACK, true);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // an optimisation only: the data arrives either way
        }
    }
}
