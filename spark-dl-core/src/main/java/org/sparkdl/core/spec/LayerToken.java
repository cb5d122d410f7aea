package org.sparkdl.core.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One token of a spec, such as {@code conv(32,5,pad=2)}: a name, positional arguments and named
 * arguments, with its position for error messages.
 */
public record LayerToken(int position, String text, String name, List<String> positional, Map<String, String> named) {

    /** "token 3 'conv(32,x)'" — how errors refer to it. */
    public String where() {
        return "token " + position + " '" + text + "'";
    }

    /** Splits a spec into tokens; parentheses may contain spaces. */
    static List<LayerToken> tokenize(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new SpecException("the model spec is empty; expected layers such as 'dense(64) relu dense(10)'");
        }
        List<LayerToken> tokens = new ArrayList<>();
        int i = 0;
        int n = spec.length();
        while (i < n) {
            char c = spec.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && (Character.isLetterOrDigit(spec.charAt(i)) || spec.charAt(i) == '_')) {
                i++;
            }
            String name = spec.substring(start, i);
            int position = tokens.size() + 1;
            if (name.isEmpty()) {
                throw new SpecException("token " + position + " at character " + (start + 1)
                        + ": expected a layer name," + " got '" + c + "'");
            }
            int afterName = i;
            while (i < n && Character.isWhitespace(spec.charAt(i))) {
                i++;
            }
            List<String> positional = new ArrayList<>();
            Map<String, String> named = new LinkedHashMap<>();
            if (i < n && spec.charAt(i) == '(') {
                int close = spec.indexOf(')', i);
                if (close < 0) {
                    throw new SpecException(
                            "token " + position + " '" + spec.substring(start).trim() + "': missing ')'");
                }
                String text = spec.substring(start, close + 1);
                String inner = spec.substring(i + 1, close).trim();
                if (inner.contains("(")) {
                    throw new SpecException("token " + position + " '" + text + "': unexpected '(' inside arguments");
                }
                if (!inner.isEmpty()) {
                    for (String arg : inner.split(",", -1)) {
                        String a = arg.trim();
                        int eq = a.indexOf('=');
                        if (a.isEmpty()) {
                            throw new SpecException("token " + position + " '" + text + "': empty argument");
                        } else if (eq >= 0) {
                            String key = a.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
                            if (named.put(key, a.substring(eq + 1).trim()) != null) {
                                throw new SpecException(
                                        "token " + position + " '" + text + "': argument '" + key + "' given twice");
                            }
                        } else if (!named.isEmpty()) {
                            throw new SpecException("token " + position + " '" + text + "': positional argument '" + a
                                    + "' after a named one");
                        } else {
                            positional.add(a);
                        }
                    }
                }
                tokens.add(new LayerToken(position, text, name.toLowerCase(java.util.Locale.ROOT), positional, named));
                i = close + 1;
            } else {
                i = afterName;
                tokens.add(new LayerToken(position, name, name.toLowerCase(java.util.Locale.ROOT), positional, named));
            }
        }
        return tokens;
    }
}
