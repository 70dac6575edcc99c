package dev.strata.internal.move;

import java.time.Duration;
import java.util.List;

/** TEMPORARY STUB (not committed): replaced by helper capture's implementation. */
public final class LogicalChangeCapture implements ChangeCapture {
    public void requireCapturable(CopyEndpoint source, CopyScope scope) { }
    public void start(String n, CopyEndpoint s, CopyScope sc) { throw new UnsupportedOperationException(); }
    public long initialCopy(String n, CopyEndpoint s, CopyEndpoint t, CopyScope sc) { throw new UnsupportedOperationException(); }
    public long catchUp(String n, CopyEndpoint s, CopyEndpoint t, CopyScope sc, Duration d) { return 0; }
    public void syncSequences(CopyEndpoint s, CopyEndpoint t, CopyScope sc) { }
    public List<TableCheck> verify(CopyEndpoint s, CopyEndpoint t, CopyScope sc) { return List.of(); }
    public void stop(String n, CopyEndpoint s) { }
    public void deleteRows(CopyEndpoint e, CopyScope sc) { }
}
