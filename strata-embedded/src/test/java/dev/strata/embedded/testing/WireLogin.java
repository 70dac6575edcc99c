package dev.strata.embedded.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a PostgreSQL server answers a client that sends a startup message and no password, read at
 * the wire-protocol level (the way an attacker would try, without a driver that refuses on its
 * own when the server asks for a password it does not have).
 */
public final class WireLogin {
    private static final int PROTOCOL_3_0 = 196608;
    private static final int AUTHENTICATION_OK = 0;

    private WireLogin() {
    }

    /** The server's first answer. */
    public enum Kind {
        /** AuthenticationOk without any password: an unauthenticated login. */
        ACCEPTED_WITHOUT_PASSWORD,
        /** The server asked for a password or SASL exchange. */
        PASSWORD_REQUESTED,
        /** The server sent an error (no pg_hba line, starting up, ...). */
        REFUSED,
        /** Nothing listens on the port (yet). */
        UNREACHABLE
    }

    /** @param detail the authentication request code or the error's SQLSTATE and message */
    public record Outcome(Kind kind, String detail) {
    }

    /** Tries to log in as {@code user} to {@code database}, physical replication if {@code replication}. */
    public static Outcome attempt(String host, int port, String user, String database, boolean replication) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        if (replication) {
            parameters.put("replication", "true");
        } else {
            parameters.put("database", database);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                body.writeBytes(cString(p.getKey()));
                body.writeBytes(cString(p.getValue()));
            }
            body.write(0);
            out.writeInt(8 + body.size());
            out.writeInt(PROTOCOL_3_0);
            out.write(body.toByteArray());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.readByte();
            int length = in.readInt();
            byte[] payload = new byte[length - 4];
            in.readFully(payload);
            if (type == 'R') {
                int code = ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
                return new Outcome(code == AUTHENTICATION_OK ? Kind.ACCEPTED_WITHOUT_PASSWORD : Kind.PASSWORD_REQUESTED,
                        "authentication request " + code);
            }
            if (type == 'E') {
                return new Outcome(Kind.REFUSED, errorFields(payload));
            }
            return new Outcome(Kind.REFUSED, "message type " + (char) type);
        } catch (ConnectException e) {
            return new Outcome(Kind.UNREACHABLE, e.getMessage());
        } catch (IOException e) {
            return new Outcome(Kind.REFUSED, "connection closed: " + e);
        }
    }

    private static byte[] cString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    private static String errorFields(byte[] payload) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < payload.length && payload[i] != 0) {
            char field = (char) payload[i++];
            int start = i;
            while (i < payload.length && payload[i] != 0) {
                i++;
            }
            String value = new String(payload, start, i - start, StandardCharsets.UTF_8);
            i++;
            if (field == 'C' || field == 'M') {
                text.append(field).append('=').append(value).append(' ');
            }
        }
        return text.toString().strip();
    }
}
