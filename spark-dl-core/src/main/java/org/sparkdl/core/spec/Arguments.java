package org.sparkdl.core.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A token's arguments bound to declared names: {@code conv(32,5,pad=2)} against
 * {@code (filters, kernel, stride=1, pad=0)}. Unknown, missing or malformed arguments are spec
 * errors that name the token and the argument.
 */
final class Arguments {
    private final LayerToken token;
    private final List<String> names;
    private final Set<String> used = new HashSet<>();

    Arguments(LayerToken token, List<String> names) {
        this.token = token;
        this.names = names;
        if (token.positional().size() > names.size()) {
            throw new SpecException(token.where() + ": takes at most " + names.size() + " arguments "
                    + (names.isEmpty() ? "" : names.toString().replace('[', '(').replace(']', ')')) + ", got "
                    + token.positional().size());
        }
        for (String key : token.named().keySet()) {
            int idx = names.indexOf(key);
            if (idx < 0) {
                throw new SpecException(token.where() + ": unknown argument '" + key + "'; expected one of " + names);
            }
            if (idx < token.positional().size()) {
                throw new SpecException(token.where() + ": argument '" + key + "' given twice");
            }
        }
    }

    private String raw(String name) {
        used.add(name);
        int idx = names.indexOf(name);
        if (idx < 0) {
            return null; // this layer takes no such argument
        }
        if (idx < token.positional().size()) {
            return token.positional().get(idx);
        }
        return token.named().get(name);
    }

    /** "token 3 'conv(32,x)'", the prefix of every error about this token. */
    @Override
    public String toString() {
        return token.where();
    }

    boolean has(String name) {
        return raw(name) != null;
    }

    int positiveInt(String name, Integer dflt) {
        String v = raw(name);
        if (v == null) {
            if (dflt == null) {
                throw new SpecException(token.where() + ": missing " + name);
            }
            return dflt;
        }
        try {
            int x = Integer.parseInt(v);
            if (x > 0) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SpecException(token.where() + ": " + name + " must be a positive integer, got '" + v + "'");
    }

    int nonNegativeInt(String name, int dflt) {
        String v = raw(name);
        if (v == null) {
            return dflt;
        }
        try {
            int x = Integer.parseInt(v);
            if (x >= 0) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SpecException(token.where() + ": " + name + " must be a non-negative integer, got '" + v + "'");
    }

    /** {@code true} or {@code false} (any case). */
    boolean bool(String name, boolean dflt) {
        String v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT));
        }
        throw new SpecException(token.where() + ": " + name + " must be true or false, got '" + v + "'");
    }

    /** A number in {@code [min, max)}, or {@code [min, max]} when {@code maxInclusive}. */
    float number(String name, float dflt, float min, float max, boolean maxInclusive) {
        String v = raw(name);
        if (v == null) {
            return dflt;
        }
        float x;
        try {
            x = Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new SpecException(token.where() + ": " + name + " must be a number, got '" + v + "'");
        }
        if (!(x >= min) || !(maxInclusive ? x <= max : x < max)) {
            throw new SpecException(token.where() + ": " + name + " must be in [" + min + ", " + max
                    + (maxInclusive ? "]" : ")") + ", got " + v);
        }
        return x;
    }
}
