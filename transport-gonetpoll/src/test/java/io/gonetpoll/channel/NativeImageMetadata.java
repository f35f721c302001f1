package io.gonetpoll.channel;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * GraalVM native-image metadata files ({@code jni-config.json}, {@code reflect-config.json}) read from the classpath
 * as entries, and the reflection the checks of {@link NativeImageMetadataTest} need: the class, field or method an
 * entry names, and the JNI descriptor of a real member.
 */
final class NativeImageMetadata {
    /** A method or constructor ({@code <init>}) of an entry, with its parameter types as Java names. */
    record Member(String name, List<String> parameterTypes) {
        @Override
        public String toString() {
            return name + "(" + String.join(",", parameterTypes) + ")";
        }
    }

    /** One entry: the condition's class, the class, and the fields and methods it registers. */
    record Entry(String condition, String name, Set<String> fields, List<Member> methods) {
        /** The class, {@code class#field} and {@code class#method(types)}: what the entry makes accessible. */
        Set<String> keys() {
            Set<String> keys = new TreeSet<>();
            keys.add(name);
            fields.forEach(field -> keys.add(name + "#" + field));
            methods.forEach(method -> keys.add(name + "#" + method));
            return keys;
        }
    }

    private NativeImageMetadata() {
    }

    /** The entries of a JSON array of entries, a classpath resource; fails if it is missing. */
    static List<Entry> entries(String resource) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Object element : (List<?>) Json.parse(resource(resource))) {
            Map<?, ?> entry = (Map<?, ?>) element;
            for (Object key : entry.keySet()) {
                if (!Set.of("condition", "name", "fields", "methods", "allDeclaredFields").contains(key)) {
                    throw new IllegalArgumentException(resource + ": key '" + key + "' is not read by this check");
                }
            }
            Map<?, ?> condition = (Map<?, ?>) entry.get("condition");
            Set<String> fields = new TreeSet<>();
            if (entry.containsKey("fields")) {
                for (Object field : (List<?>) entry.get("fields")) {
                    fields.add((String) ((Map<?, ?>) field).get("name"));
                }
            }
            List<Member> methods = new ArrayList<>();
            if (entry.containsKey("methods")) {
                for (Object method : (List<?>) entry.get("methods")) {
                    Map<?, ?> m = (Map<?, ?>) method;
                    List<String> types = new ArrayList<>();
                    ((List<?>) m.get("parameterTypes")).forEach(type -> types.add((String) type));
                    methods.add(new Member((String) m.get("name"), types));
                }
            }
            entries.add(new Entry(condition == null ? null : (String) condition.get("typeReachable"),
                    (String) entry.get("name"), fields, methods));
        }
        return entries;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = NativeImageMetadata.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The class of a Java name ({@code int}, {@code byte[]}, {@code java.lang.String}), not initialised. */
    static Class<?> type(String name) throws ClassNotFoundException {
        if (name.endsWith("[]")) {
            return type(name.substring(0, name.length() - 2)).arrayType();
        }
        switch (name) {
            case "boolean": return boolean.class;
            case "byte": return byte.class;
            case "char": return char.class;
            case "short": return short.class;
            case "int": return int.class;
            case "long": return long.class;
            case "float": return float.class;
            case "double": return double.class;
            case "void": return void.class;
            default: return Class.forName(name, false, NativeImageMetadata.class.getClassLoader());
        }
    }

    /** The Java names of a JNI method descriptor's parameters: {@code (I[BLjava/lang/String;)V} -> int, byte[], ... */
    static List<String> parameterTypes(String descriptor) {
        List<String> types = new ArrayList<>();
        int i = 1;
        while (descriptor.charAt(i) != ')') {
            int dims = 0;
            while (descriptor.charAt(i) == '[') {
                dims++;
                i++;
            }
            String type;
            if (descriptor.charAt(i) == 'L') {
                int end = descriptor.indexOf(';', i);
                type = descriptor.substring(i + 1, end).replace('/', '.');
                i = end + 1;
            } else {
                type = primitive(descriptor.charAt(i++));
            }
            types.add(type + "[]".repeat(dims));
        }
        return types;
    }

    private static String primitive(char code) {
        switch (code) {
            case 'Z': return "boolean";
            case 'B': return "byte";
            case 'C': return "char";
            case 'S': return "short";
            case 'I': return "int";
            case 'J': return "long";
            case 'F': return "float";
            case 'D': return "double";
            default: throw new IllegalArgumentException("not a JNI type: " + code);
        }
    }

    /** The field {@code name} of {@code type} or of a superclass, as JNI's GetFieldID finds it; null if none. */
    static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getName().equals(name)) {
                    return field;
                }
            }
        }
        return null;
    }

    /** The constructor ({@code <init>}) or method of {@code type} or a superclass with these parameters; null if none. */
    static Executable executable(Class<?> type, Member member) throws ClassNotFoundException {
        Class<?>[] parameters = new Class<?>[member.parameterTypes().size()];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = type(member.parameterTypes().get(i));
        }
        if (member.name().equals("<init>")) {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (Arrays.equals(constructor.getParameterTypes(), parameters)) {
                    return constructor;
                }
            }
            return null;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (method.getName().equals(member.name()) && Arrays.equals(method.getParameterTypes(), parameters)) {
                    return method;
                }
            }
        }
        return null;
    }

    /** The JNI descriptor of a method or constructor: {@code (ILjava/lang/String;)V}. */
    static String descriptor(Executable executable) {
        Class<?> returned = executable instanceof Method ? ((Method) executable).getReturnType() : void.class;
        return MethodType.methodType(returned, executable.getParameterTypes()).toMethodDescriptorString();
    }
}
