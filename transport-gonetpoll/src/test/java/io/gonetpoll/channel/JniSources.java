package io.gonetpoll.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the C sources of the JNI library ask the JVM for, read from the sources themselves: the class names they
 * spell, the fields and methods they look up ({@code Get[Static]FieldID}, {@code Get[Static]MethodID}) with the class
 * each lookup runs on, and which {@code JNINativeMethod} table {@code RegisterNatives} registers on which class.
 *
 * <p>It reads the C the way these files are written, not C in general: functions start at column 0, a class is held
 * in a variable assigned from {@code FindClass} or from one of {@link #CLASS_LOADERS}, and an argument that is a
 * parameter of a file-local helper ({@code lookupField}) is followed to every call of the helper. A lookup or a
 * registration whose class or names cannot be followed this way is reported in {@link #unresolved()} rather than
 * skipped, so a change in the C that this reader does not understand fails the test that uses it.
 */
final class JniSources {
    /**
     * Functions that return a class, and the index of their argument that names it (slashes or dots): the name before
     * any relocation by a shading tool, which the metadata names too.
     */
    private static final Map<String, Integer> CLASS_LOADERS = Map.of("FindClass", 1, "loadClassUninitialised", 2,
            "gonetpoll_jni_find_class", 1);

    private static final Pattern DEFINE = Pattern.compile("(?m)^#define\\s+(\\w+)\\s+(\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final Pattern FUNCTION = Pattern.compile("(?m)^(?:[A-Za-z_]\\w*[ \\t*]+)+(\\w+)\\s*\\(([^;{)]*)\\)\\s*\\{");
    private static final Pattern TABLE = Pattern.compile("JNINativeMethod\\s+(\\w+)\\s*\\[\\s*\\]\\s*=\\s*\\{(.*?)\\};",
            Pattern.DOTALL);
    private static final Pattern TABLE_ENTRY = Pattern.compile("\\{\\s*\"(\\w+)\"\\s*,\\s*\"([^\"]+)\"\\s*,");
    private static final Pattern JNI_CALL = Pattern.compile("\\(\\*env\\)->(\\w+)\\s*\\(");
    private static final Pattern CALL = Pattern.compile("(?<![\\w>])(\\w+)\\s*\\(");
    private static final Pattern ASSIGNED = Pattern.compile("(\\w+)\\s*=\\s*(?:\\([\\w\\s*]+\\)\\s*)?$");
    private static final Pattern RETURN = Pattern.compile("\\breturn\\s+(\\w+)\\s*;");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern CLASS_NAME_SLASHES = Pattern.compile("[a-z]\\w*(?:/[a-z]\\w*)*/[A-Z][\\w$]*");
    private static final Pattern CLASS_NAME_DOTS = Pattern.compile("[a-z]\\w*(?:\\.[a-z]\\w*)*\\.[A-Z][\\w$]*");

    /** A field or method lookup: the class in JNI form (slashes), the member's name and its JNI signature. */
    record Lookup(String jniFunction, String className, String name, String signature) {
        boolean isField() {
            return jniFunction.contains("Field");
        }
    }

    /** One {@code { "name", "signature", fn }} row of a {@code JNINativeMethod} table. */
    record NativeMethod(String name, String signature) {
    }

    /** {@code RegisterNatives} of table {@code table} (file:name) on {@code className} (slashes). */
    record Registration(String className, String table, List<NativeMethod> methods) {
    }

    private record Function(String file, String name, List<String> params, int bodyStart, int bodyEnd) {
    }

    /** A call in a function's body: what is called, where (offset in the file), and its argument expressions. */
    private record Call(Function caller, String callee, int position, List<String> args, boolean jni) {
    }

    /** What an expression evaluates to: a string, a class (slashes) or a table (file:name). */
    private record Value(String kind, String text) {
    }

    private final Map<String, String> texts = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> defines = new HashMap<>();
    private final Map<String, Map<String, List<NativeMethod>>> tables = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();

    private final Set<String> classNames = new LinkedHashSet<>();
    private final List<Lookup> lookups = new ArrayList<>();
    private final List<Registration> registrations = new ArrayList<>();
    private final List<String> unresolved = new ArrayList<>();

    private JniSources() {
    }

    /** Reads every {@code *.c} file of {@code directory}. */
    static JniSources read(Path directory) throws IOException {
        JniSources sources = new JniSources();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".c")).sorted().toList()) {
                String text = withoutComments(Files.readString(file, StandardCharsets.UTF_8));
                sources.texts.put(file.getFileName().toString(), text);
            }
        }
        sources.texts.forEach(sources::index);
        sources.texts.keySet().forEach(sources::collectCalls);
        sources.resolve();
        return sources;
    }

    /** Every string literal (or {@code #define}d string) that names a class, as spelled: slashes or dots. */
    Set<String> classNames() {
        return classNames;
    }

    List<Lookup> lookups() {
        return lookups;
    }

    List<Registration> registrations() {
        return registrations;
    }

    /** Every table of every file, as file:name. */
    Map<String, List<NativeMethod>> tables() {
        Map<String, List<NativeMethod>> all = new LinkedHashMap<>();
        tables.forEach((file, byName) -> byName.forEach((name, rows) -> all.put(file + ":" + name, rows)));
        return all;
    }

    /** Lookups and registrations this reader could not follow to a class and names, described. */
    List<String> unresolved() {
        return unresolved;
    }

    private void index(String file, String text) {
        Map<String, String> fileDefines = new HashMap<>();
        Matcher define = DEFINE.matcher(text);
        while (define.find()) {
            fileDefines.put(define.group(1), unquote(define.group(2)));
        }
        defines.put(file, fileDefines);

        Map<String, List<NativeMethod>> fileTables = new LinkedHashMap<>();
        Matcher table = TABLE.matcher(text);
        while (table.find()) {
            List<NativeMethod> rows = new ArrayList<>();
            Matcher entry = TABLE_ENTRY.matcher(table.group(2));
            while (entry.find()) {
                rows.add(new NativeMethod(entry.group(1), entry.group(2)));
            }
            fileTables.put(table.group(1), rows);
        }
        tables.put(file, fileTables);

        Matcher function = FUNCTION.matcher(text);
        while (function.find()) {
            int open = function.end() - 1;
            List<String> params = new ArrayList<>();
            for (String param : splitTopLevel(function.group(2))) {
                Matcher last = Pattern.compile("(\\w+)\\s*(?:\\[\\s*\\])?$").matcher(param.trim());
                if (last.find() && !param.trim().equals("void")) {
                    params.add(last.group(1));
                }
            }
            functions.put(function.group(1), new Function(file, function.group(1), params, open,
                    matching(text, open, '{', '}')));
        }

        Matcher literal = STRING.matcher(text);
        while (literal.find()) {
            String value = literal.group(1);
            if (CLASS_NAME_SLASHES.matcher(value).matches() || CLASS_NAME_DOTS.matcher(value).matches()) {
                classNames.add(value);
            }
        }
    }

    private void collectCalls(String file) {
        String text = texts.get(file);
        for (Function function : functions.values()) {
            if (!function.file.equals(file)) {
                continue;
            }
            String body = text.substring(function.bodyStart, function.bodyEnd);
            Matcher jni = JNI_CALL.matcher(body);
            while (jni.find()) {
                int open = function.bodyStart + jni.end() - 1;
                calls.add(new Call(function, jni.group(1), function.bodyStart + jni.start(), arguments(text, open), true));
            }
            Matcher call = CALL.matcher(body);
            while (call.find()) {
                if (functions.containsKey(call.group(1))) {
                    int open = function.bodyStart + call.end() - 1;
                    calls.add(new Call(function, call.group(1), function.bodyStart + call.start(),
                            arguments(text, open), false));
                }
            }
        }
    }

    private void resolve() {
        for (Call call : calls) {
            if (!call.jni) {
                continue;
            }
            boolean lookup = call.callee.matches("Get(Static)?(Field|Method)ID");
            boolean register = call.callee.equals("RegisterNatives");
            if (!lookup && !register) {
                continue;
            }
            for (Map<String, Value> context : contexts(call.caller, 0)) {
                Value clazz = eval(call.args.get(1), call.caller, context, call.position);
                String where = call.caller.file + ": " + call.caller.name + ": " + call.callee + call.args;
                if (clazz == null || !clazz.kind.equals("class")) {
                    unresolved.add(where + ": class of '" + call.args.get(1) + "'");
                    continue;
                }
                if (lookup) {
                    Value name = eval(call.args.get(2), call.caller, context, call.position);
                    Value signature = eval(call.args.get(3), call.caller, context, call.position);
                    if (name == null || signature == null || !name.kind.equals("string")
                            || !signature.kind.equals("string")) {
                        unresolved.add(where + ": name or signature");
                        continue;
                    }
                    lookups.add(new Lookup(call.callee, clazz.text, name.text, signature.text));
                } else {
                    Value table = eval(call.args.get(2), call.caller, context, call.position);
                    if (table == null || !table.kind.equals("table")) {
                        unresolved.add(where + ": table '" + call.args.get(2) + "'");
                        continue;
                    }
                    registrations.add(new Registration(clazz.text, table.text, tables().get(table.text)));
                }
            }
        }
    }

    /**
     * The parameter bindings {@code function} runs with: one empty binding if nothing in the sources calls it (an
     * entry point), else one per call of it per binding of its caller.
     */
    private List<Map<String, Value>> contexts(Function function, int depth) {
        List<Map<String, Value>> result = new ArrayList<>();
        if (depth > 8) {
            return result;
        }
        boolean called = false;
        for (Call call : calls) {
            if (call.jni || !call.callee.equals(function.name)) {
                continue;
            }
            called = true;
            for (Map<String, Value> callerContext : contexts(call.caller, depth + 1)) {
                Map<String, Value> bindings = new HashMap<>();
                for (int i = 0; i < function.params.size() && i < call.args.size(); i++) {
                    Value value = eval(call.args.get(i), call.caller, callerContext, call.position);
                    if (value != null) {
                        bindings.put(function.params.get(i), value);
                    }
                }
                result.add(bindings);
            }
        }
        if (!called) {
            result.add(Map.of());
        }
        return result;
    }

    private Value eval(String expression, Function function, Map<String, Value> context, int position) {
        String e = expression.trim().replaceFirst("^\\([\\w\\s*]+\\)\\s*(?=[\\w\"(])", "").trim();
        if (e.startsWith("\"")) {
            return new Value("string", unquote(e));
        }
        if (!e.matches("\\w+")) {
            return null;
        }
        String defined = defines.get(function.file).get(e);
        if (defined != null) {
            return new Value("string", defined);
        }
        if (context.containsKey(e)) {
            return context.get(e);
        }
        if (tables.get(function.file).containsKey(e)) {
            return new Value("table", function.file + ":" + e);
        }
        Call assignment = lastAssignment(function, e, position);
        return assignment == null ? null : evalCall(assignment, context);
    }

    private Value evalCall(Call call, Map<String, Value> context) {
        Integer nameArg = CLASS_LOADERS.get(call.callee);
        if (nameArg != null && call.args.size() > nameArg) {
            Value name = eval(call.args.get(nameArg), call.caller, context, call.position);
            return name == null || !name.kind.equals("string") ? null : new Value("class", name.text.replace('.', '/'));
        }
        Function callee = call.jni ? null : functions.get(call.callee);
        if (callee != null) {
            String body = texts.get(callee.file).substring(callee.bodyStart, callee.bodyEnd);
            Matcher returned = RETURN.matcher(body);
            if (returned.find() && tables.get(callee.file).containsKey(returned.group(1))) {
                return new Value("table", callee.file + ":" + returned.group(1));
            }
        }
        return null;
    }

    /** The last call before {@code position} in {@code function} whose result is assigned to {@code variable}. */
    private Call lastAssignment(Function function, String variable, int position) {
        String text = texts.get(function.file);
        Call last = null;
        for (Call call : calls) {
            if (call.caller != function || call.position >= position) {
                continue;
            }
            Matcher assigned = ASSIGNED.matcher(text.substring(function.bodyStart, call.position));
            if (assigned.find() && assigned.group(1).equals(variable)
                    && (last == null || call.position > last.position)) {
                last = call;
            }
        }
        return last;
    }

    private static List<String> arguments(String text, int open) {
        return splitTopLevel(text.substring(open + 1, matching(text, open, '(', ')') - 1));
    }

    /** The offset just past the bracket that closes the one at {@code open}, skipping strings. */
    private static int matching(String text, int open, char opening, char closing) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = endOfQuoted(text, i);
            } else if (c == opening) {
                depth++;
            } else if (c == closing && --depth == 0) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unbalanced '" + opening + "' at offset " + open);
    }

    private static List<String> splitTopLevel(String list) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '"' || c == '\'') {
                i = endOfQuoted(list, i);
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(list.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (!list.isBlank()) {
            parts.add(list.substring(start).trim());
        }
        return parts;
    }

    private static int endOfQuoted(String text, int start) {
        char quote = text.charAt(start);
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated literal at offset " + start);
    }

    private static String unquote(String literal) {
        return literal.substring(1, literal.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** The text with comments replaced by spaces (offsets kept), strings and character literals left alone. */
    static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = endOfQuoted(text, i);
            } else if (text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                end = end < 0 ? text.length() : end;
                blank(out, i, end);
                i = end;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated comment at offset " + i);
                }
                blank(out, i, end + 2);
                i = end + 1;
            }
        }
        return out.toString();
    }

    private static void blank(StringBuilder out, int start, int end) {
        for (int i = start; i < end; i++) {
            if (out.charAt(i) != '\n') {
                out.setCharAt(i, ' ');
            }
        }
    }
}
