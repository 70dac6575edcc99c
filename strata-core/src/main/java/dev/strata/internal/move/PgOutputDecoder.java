package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.move.PgOutputMessage.Begin;
import dev.strata.internal.move.PgOutputMessage.Commit;
import dev.strata.internal.move.PgOutputMessage.Delete;
import dev.strata.internal.move.PgOutputMessage.Ignored;
import dev.strata.internal.move.PgOutputMessage.Insert;
import dev.strata.internal.move.PgOutputMessage.Relation;
import dev.strata.internal.move.PgOutputMessage.RelationColumn;
import dev.strata.internal.move.PgOutputMessage.Truncate;
import dev.strata.internal.move.PgOutputMessage.Update;
import dev.strata.internal.move.PgOutputMessage.Value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one {@code pgoutput} protocol-version-1 message (the {@code data} of a row of
 * {@code pg_logical_slot_peek_binary_changes}). Stateless and thread-safe.
 */
final class PgOutputDecoder {
    private PgOutputDecoder() {
    }

    static PgOutputMessage decode(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        char type = (char) in.get();
        try {
            return switch (type) {
                case 'B' -> new Begin(in.getLong(), in.getLong(), in.getInt());
                case 'C' -> {
                    in.get(); // flags, unused
                    yield new Commit(in.getLong(), in.getLong(), in.getLong());
                }
                case 'R' -> relation(in);
                case 'I' -> {
                    int relation = in.getInt();
                    expect(in, 'N');
                    yield new Insert(relation, tuple(in));
                }
                case 'U' -> {
                    int relation = in.getInt();
                    char next = (char) in.get();
                    List<Value> old = null;
                    if (next == 'K' || next == 'O') {
                        old = tuple(in);
                        next = (char) in.get();
                    }
                    if (next != 'N') {
                        throw malformed("update without its new tuple ('" + next + "')");
                    }
                    yield new Update(relation, old, tuple(in));
                }
                case 'D' -> {
                    int relation = in.getInt();
                    char kind = (char) in.get();
                    if (kind != 'K' && kind != 'O') {
                        throw malformed("delete without its old key ('" + kind + "')");
                    }
                    yield new Delete(relation, tuple(in));
                }
                case 'T' -> {
                    int count = in.getInt();
                    in.get(); // options (CASCADE, RESTART IDENTITY): the target deletes the scope's rows either way
                    List<Integer> ids = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        ids.add(in.getInt());
                    }
                    yield new Truncate(ids);
                }
                case 'Y', 'O', 'M' -> new Ignored(type);
                default -> throw malformed("unknown message type '" + type + "'");
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw malformed("message '" + type + "' is truncated");
        }
    }

    private static Relation relation(ByteBuffer in) {
        int id = in.getInt();
        String namespace = string(in);
        String name = string(in);
        char identity = (char) in.get();
        int count = Short.toUnsignedInt(in.getShort());
        List<RelationColumn> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (in.get() & 1) != 0;
            String column = string(in);
            columns.add(new RelationColumn(column, key, in.getInt(), in.getInt()));
        }
        return new Relation(id, namespace, name, identity, columns);
    }

    private static List<Value> tuple(ByteBuffer in) {
        int count = Short.toUnsignedInt(in.getShort());
        List<Value> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            char kind = (char) in.get();
            switch (kind) {
                case 'n' -> values.add(Value.NULL);
                case 'u' -> values.add(Value.UNCHANGED);
                case 't' -> {
                    int length = in.getInt();
                    byte[] bytes = new byte[length];
                    in.get(bytes);
                    values.add(new Value('t', new String(bytes, StandardCharsets.UTF_8)));
                }
                default -> throw malformed("unknown tuple column kind '" + kind + "'");
            }
        }
        return values;
    }

    private static String string(ByteBuffer in) {
        int start = in.position();
        int end = start;
        while (in.get(end) != 0) {
            end++;
        }
        String s = new String(in.array(), start, end - start, StandardCharsets.UTF_8);
        in.position(end + 1);
        return s;
    }

    private static void expect(ByteBuffer in, char expected) {
        char actual = (char) in.get();
        if (actual != expected) {
            throw malformed("expected '" + expected + "', found '" + actual + "'");
        }
    }

    private static StrataException malformed(String what) {
        return new StrataException(ErrorCode.INTERNAL, "Could not decode a captured change: " + what
                + " (pgoutput protocol version 1 expected)");
    }
}
