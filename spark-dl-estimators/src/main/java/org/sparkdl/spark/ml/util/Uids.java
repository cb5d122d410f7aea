package org.sparkdl.spark.ml.util;

import org.apache.spark.ml.util.Identifiable;

/**
 * Hands a stage its uid before its Java constructor body runs. Spark's Scala superclass
 * constructors create Params, which call {@code uid()}; so a stage keeps its uid in a field with no
 * initialiser (an initialiser would run after super() and wipe it), filled lazily from here.
 */
public final class Uids {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private Uids() {}

    /** A marker that only proves {@link #stash} ran before {@code super()}. */
    public static final class Pending {
        private Pending() {}
    }

    /** Call as the argument of a {@code this(...)} constructor call, before {@code super()}. */
    public static Pending stash(String uid) {
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("uid must not be empty");
        }
        PENDING.set(uid);
        return new Pending();
    }

    /** The stashed uid (consumed), or a fresh random one with {@code prefix}. */
    public static String take(String prefix) {
        String u = PENDING.get();
        PENDING.remove();
        return u != null ? u : Identifiable.randomUID(prefix);
    }
}
