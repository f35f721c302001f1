package io.gonetpoll.channel;

import io.gonetpoll.channel.JniSources.Lookup;
import io.gonetpoll.channel.JniSources.NativeMethod;
import io.gonetpoll.channel.JniSources.Registration;
import io.gonetpoll.channel.NativeImageMetadata.Entry;
import io.gonetpoll.channel.NativeImageMetadata.Member;
import io.netty.channel.Channel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The GraalVM native-image metadata of the jar ({@code META-INF/native-image/io.gonetpoll/transport-gonetpoll/})
 * cannot rot: every entry names a class, field, method or constructor that exists with that signature, and it lists
 * exactly what the JNI library looks up and what Netty and the JNI library reach by reflection — no lookup without
 * an entry, no entry without a lookup. What "looks up" means is read from the sources, not restated here: our C
 * files through {@link JniSources}, and for Netty's unix-common (linked into the library, with no metadata of its
 * own) the class names in its static archive plus the members Netty's epoll metadata registers for those classes.
 * No GraalVM is needed: native-image would only tell at image build or run time, these checks tell at every build.
 */
class NativeImageMetadataTest {
    private static final String METADATA = "META-INF/native-image/io.gonetpoll/transport-gonetpoll/";
    /** Netty's epoll transport registers unix-common's lookups in its own metadata; it is the reference for them. */
    private static final String NETTY_EPOLL_METADATA = "META-INF/native-image/io.netty/netty-transport-classes-epoll/";
    /** Surefire runs in the module's directory; the pom unpacks unix-common's archive under target/. */
    private static final Path C_SOURCES = Path.of("src", "main", "c");
    private static final Path UNIX_COMMON_ARCHIVE =
            Path.of("target", "netty-unix-common", "META-INF", "native", "lib", "libnetty-unix-common.a");
    /**
     * netty_unix_filedescriptor.c looks up position and limit on the class of a direct ByteBuffer it creates
     * (GetObjectClass), so these two class names are nowhere in the archive; Netty's entries for them are the rule.
     */
    private static final Set<String> UNIX_COMMON_DIRECT_BUFFER_CLASSES = Set.of("java.nio.Buffer", "java.nio.DirectByteBuffer");
    /** The archive's JNI class names: io/netty/... or java/... in slashes (signatures have a '(' or ';'). */
    /** Netty's NativeLibraryLoader calls its loadLibrary(String, boolean) reflectively (package-private class). */
    private static final String NATIVE_LIBRARY_UTIL = "io.netty.util.internal.NativeLibraryUtil";
    private static final Pattern ARCHIVE_CLASS_NAME = Pattern.compile("(?:io/netty|java|javax|sun)(?:/[A-Za-z_$][\\w$]*)+");

    @Test
    void everyJniEntryNamesARealClassFieldAndMethod() throws Exception {
        String raw = NativeImageMetadata.resource(METADATA + "jni-config.json");
        assertFalse(raw.contains("allDeclared"), "entries list their members; 'allDeclared...' hides what they need");
        for (Entry entry : jniEntries()) {
            assertResolves(entry);
        }
    }

    @Test
    void everyReflectionEntryNamesARealClassAndMember() throws Exception {
        for (Entry entry : reflectEntries()) {
            assertResolves(entry);
            assertTrue(entry.fields().isEmpty(), entry + ": no field is reached by reflection");
        }
    }

    /** Each Get[Static]FieldID / Get[Static]MethodID of our C files: an entry, and a member with that signature. */
    @Test
    void everyLookupOfTheCSourcesHasAnEntryWithItsSignature() throws Exception {
        JniSources sources = JniSources.read(C_SOURCES);
        assertEquals(List.of(), sources.unresolved(), "lookups the reader could not follow (see JniSources)");
        // The reader found the lookups it must: one of each kind, or it parses nothing and everything passes.
        Set<String> kinds = sources.lookups().stream().map(Lookup::jniFunction).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("GetFieldID", "GetMethodID", "GetStaticMethodID")), sources.lookups().toString());
        Map<String, Entry> entries = byName(jniEntries());
        for (Lookup lookup : sources.lookups()) {
            String className = lookup.className().replace('/', '.');
            Entry entry = entries.get(className);
            assertNotNull(entry, "jni-config.json has no entry for " + className + ", which the C code looks up: " + lookup);
            Class<?> type = NativeImageMetadata.type(className);
            if (lookup.isField()) {
                assertTrue(entry.fields().contains(lookup.name()), "jni-config.json: " + className + " lacks field "
                        + lookup.name() + ": " + lookup);
                Field field = NativeImageMetadata.field(type, lookup.name());
                assertNotNull(field, lookup + ": no such field");
                assertEquals(lookup.signature(), field.getType().descriptorString(), lookup + ": the field's type");
                assertEquals(lookup.jniFunction().contains("Static"), Modifier.isStatic(field.getModifiers()), lookup.toString());
            } else {
                Member member = new Member(lookup.name(), NativeImageMetadata.parameterTypes(lookup.signature()));
                assertTrue(entry.methods().contains(member), "jni-config.json: " + className + " lacks " + member
                        + ": " + lookup);
                Executable executable = NativeImageMetadata.executable(type, member);
                assertNotNull(executable, lookup + ": no such method");
                assertEquals(lookup.signature(), NativeImageMetadata.descriptor(executable), lookup + ": the return type");
                assertEquals(lookup.jniFunction().contains("Static"), Modifier.isStatic(executable.getModifiers()),
                        lookup.toString());
            }
        }
    }

    /**
     * RegisterNatives: each class it registers on has an entry; each row of each table is a native method of that
     * class with that descriptor; and each native method of those classes is in a table, or it would throw
     * UnsatisfiedLinkError at its first call.
     */
    @Test
    void everyRegisteredClassHasAnEntryAndEveryNativeMethodARow() throws Exception {
        JniSources sources = JniSources.read(C_SOURCES);
        assertEquals(List.of(), sources.unresolved(), "registrations the reader could not follow (see JniSources)");
        Set<String> tables = sources.registrations().stream().map(Registration::table).collect(Collectors.toSet());
        assertEquals(sources.tables().keySet(), tables, "every JNINativeMethod table is registered");
        Map<String, Entry> entries = byName(jniEntries());
        Map<String, Set<NativeMethod>> rowsByClass = new TreeMap<>();
        // A table registered on a class from several call paths (the fill-ins) counts once.
        Set<String> seen = new HashSet<>();
        for (Registration registration : sources.registrations()) {
            String className = registration.className().replace('/', '.');
            if (!seen.add(className + ' ' + registration.table())) {
                continue;
            }
            assertTrue(entries.containsKey(className), "jni-config.json has no entry for " + className
                    + ", on which the C code registers " + registration.table());
            for (NativeMethod row : registration.methods()) {
                assertTrue(rowsByClass.computeIfAbsent(className, c -> new LinkedHashSet<>()).add(row),
                        className + ": " + row + " registered twice");
            }
        }
        Set<String> own = Set.of(Native.class.getName(), SocketNative.class.getName());
        for (Map.Entry<String, Set<NativeMethod>> fillIns : rowsByClass.entrySet()) {
            if (own.contains(fillIns.getKey())) {
                continue;
            }
            // Netty's classes: only fill-ins for natives later releases declare, each one UnixNatives trusts.
            for (NativeMethod row : fillIns.getValue()) {
                String prefix = fillIns.getKey() + '#' + row.name() + '(';
                assertTrue(UnixNatives.FILL_INS.stream().anyMatch(fillIn -> fillIn.startsWith(prefix)),
                        prefix + ") is registered but not in UnixNatives.FILL_INS");
            }
        }
        assertTrue(rowsByClass.keySet().containsAll(own), rowsByClass.keySet().toString());
        rowsByClass.keySet().retainAll(own);
        for (Map.Entry<String, Set<NativeMethod>> registered : rowsByClass.entrySet()) {
            Set<String> declared = new TreeSet<>();
            for (Method method : NativeImageMetadata.type(registered.getKey()).getDeclaredMethods()) {
                if (Modifier.isNative(method.getModifiers())) {
                    declared.add(method.getName() + NativeImageMetadata.descriptor(method));
                }
            }
            Set<String> rows = new TreeSet<>();
            registered.getValue().forEach(row -> rows.add(row.name() + row.signature()));
            assertSame(declared, rows, registered.getKey() + ": the C tables' rows, against its native methods");
        }
    }

    /**
     * A class name the C code spells is looked up: with slashes by FindClass (a JNI entry), with dots by
     * Class.forName (called from JNI_OnLoad: a reflection entry).
     */
    @Test
    void everyClassNamedInTheCSourcesHasAnEntry() throws Exception {
        JniSources sources = JniSources.read(C_SOURCES);
        Set<String> jni = byName(jniEntries()).keySet();
        Set<String> reflect = byName(reflectEntries()).keySet();
        assertTrue(sources.classNames().contains("sun/nio/ch/FileChannelImpl"), sources.classNames().toString());
        for (String name : sources.classNames()) {
            if (name.contains("/")) {
                assertTrue(jni.contains(name.replace('/', '.')), "jni-config.json lacks " + name);
            } else {
                assertTrue(reflect.contains(name), "reflect-config.json lacks " + name + " (Class.forName from C)");
            }
        }
    }

    /**
     * Netty's unix-common natives are linked into our library and register from our JNI_OnLoad: every class named in
     * its archive has an entry with at least the members Netty's epoll metadata registers for it (the maintained
     * list of unix-common's lookups), and so have the two direct-buffer classes.
     */
    @Test
    void unixCommonLookupsHaveNettysEntries() throws Exception {
        Set<String> archiveClasses = archiveClassNames();
        assertTrue(archiveClasses.contains("io.netty.channel.unix.Socket"), "the archive was read: " + archiveClasses);
        Map<String, Entry> ours = byName(jniEntries());
        Map<String, Entry> netty = byName(NativeImageMetadata.entries(NETTY_EPOLL_METADATA + "jni-config.json"));
        Set<String> expected = new TreeSet<>(archiveClasses);
        expected.addAll(UNIX_COMMON_DIRECT_BUFFER_CLASSES);
        for (String className : expected) {
            Entry entry = ours.get(className);
            assertNotNull(entry, "jni-config.json lacks " + className + ", which unix-common looks up");
            Entry reference = netty.get(className);
            assertNotNull(reference, "Netty's epoll metadata has no entry for " + className);
            assertTrue(entry.keys().containsAll(reference.keys()), className + ": ours " + entry.keys()
                    + " lacks some of Netty's " + reference.keys());
        }
    }

    /** The reverse of the three checks above: nothing in jni-config.json that no lookup needs. */
    @Test
    void noJniEntryWithoutALookup() throws Exception {
        JniSources sources = JniSources.read(C_SOURCES);
        Set<String> needed = new TreeSet<>();
        for (Lookup lookup : sources.lookups()) {
            String className = lookup.className().replace('/', '.');
            needed.add(className);
            needed.add(className + "#" + (lookup.isField() ? lookup.name()
                    : new Member(lookup.name(), NativeImageMetadata.parameterTypes(lookup.signature()))));
        }
        sources.registrations().forEach(r -> needed.add(r.className().replace('/', '.')));
        sources.classNames().stream().filter(n -> n.contains("/")).forEach(n -> needed.add(n.replace('/', '.')));
        Map<String, Entry> netty = byName(NativeImageMetadata.entries(NETTY_EPOLL_METADATA + "jni-config.json"));
        Set<String> unixCommon = archiveClassNames();
        unixCommon.addAll(UNIX_COMMON_DIRECT_BUFFER_CLASSES);
        unixCommon.forEach(c -> needed.addAll(netty.get(c).keys()));
        Set<String> listed = new TreeSet<>();
        jniEntries().forEach(e -> listed.addAll(e.keys()));
        assertSame(needed, listed, "jni-config.json, against what the C code and unix-common look up");
    }

    /**
     * Reflection: Netty's ReflectiveChannelFactory (Bootstrap.channel(Class)) calls a public constructor of every
     * public channel class; JNI_OnLoad loads SocketNative with Class.forName; Netty's NativeLibraryLoader calls
     * NativeLibraryUtil.loadLibrary reflectively. Exactly those, each with every public constructor of the channels.
     */
    @Test
    void reflectionEntriesAreThePublicChannelConstructorsAndWhatTheLoaderReaches() throws Exception {
        Set<String> needed = new TreeSet<>();
        List<Class<?>> channels = publicChannelClasses();
        assertTrue(channels.contains(GoNetpollSocketChannel.class) && channels.contains(GoNetpollServerSocketChannel.class),
                channels.toString());
        for (Class<?> channel : channels) {
            for (Constructor<?> constructor : channel.getConstructors()) {
                List<String> types = Arrays.stream(constructor.getParameterTypes()).map(Class::getTypeName).toList();
                needed.add(channel.getName() + "#" + new Member("<init>", types));
            }
            needed.add(channel.getName());
        }
        JniSources.read(C_SOURCES).classNames().stream().filter(n -> !n.contains("/")).forEach(needed::add);
        needed.add(NATIVE_LIBRARY_UTIL);
        needed.add(NATIVE_LIBRARY_UTIL + "#" + new Member("loadLibrary", List.of("java.lang.String", "boolean")));
        Set<String> listed = new TreeSet<>();
        reflectEntries().forEach(e -> listed.addAll(e.keys()));
        assertSame(needed, listed, "reflect-config.json, against what is reached by reflection");
    }

    /** The resource pattern matches the library Native loads on each architecture it supports, and nothing of Netty's. */
    @Test
    void resourcePatternMatchesTheLibrariesNativeLoads() throws Exception {
        Map<?, ?> config = (Map<?, ?>) Json.parse(NativeImageMetadata.resource(METADATA + "resource-config.json"));
        List<?> includes = (List<?>) ((Map<?, ?>) config.get("resources")).get("includes");
        assertEquals(1, includes.size(), includes.toString());
        Map<?, ?> include = (Map<?, ?>) includes.get(0);
        Pattern pattern = Pattern.compile((String) include.get("pattern"));
        assertEquals(Native.class.getName(), ((Map<?, ?>) include.get("condition")).get("typeReachable"));
        for (String arch : List.of("x86_64", "aarch_64")) {
            String resource = NativeLibraryNames.resource(arch);
            assertTrue(pattern.matcher(resource).matches(), pattern + " must match " + resource);
        }
        String built = NativeLibraryNames.resource(io.netty.util.internal.PlatformDependent.normalizedArch());
        assertNotNull(getClass().getClassLoader().getResource(built), built + " is on the classpath");
        assertFalse(pattern.matcher("META-INF/native/libnetty_transport_native_epoll_x86_64.so").matches());
    }

    /**
     * native-image.properties initialises every class of the transport at run time (their static initialisers load
     * or call natives, or keep what those return), and the unix-common classes Netty's epoll lists for the same reason.
     */
    @Test
    void everyTransportClassAndNettysUnixClassesInitialiseAtRunTime() throws Exception {
        Set<String> ours = runTimeInitialised(METADATA + "native-image.properties");
        List<String> transportClasses = classesUnder(classesDirectory(), "io/gonetpoll");
        assertTrue(transportClasses.contains(Native.class.getName()), transportClasses.toString());
        for (String className : transportClasses) {
            String packageName = className.substring(0, className.lastIndexOf('.'));
            assertTrue(ours.stream().anyMatch(e -> e.equals(className) || packageName.equals(e) || packageName.startsWith(e + ".")),
                    className + " is not initialised at run time: " + ours);
        }
        Set<String> netty = runTimeInitialised(NETTY_EPOLL_METADATA + "native-image.properties");
        netty.removeIf(e -> e.startsWith("io.netty.channel.epoll"));
        assertFalse(netty.isEmpty(), "Netty's epoll lists unix-common classes");
        assertTrue(ours.containsAll(netty), "ours " + ours + " lacks some of Netty's " + netty);
        for (String entry : ours) {
            boolean isClass = classExists(entry);
            boolean isPackage = transportClasses.stream().anyMatch(c -> c.startsWith(entry + "."));
            assertTrue(isClass || isPackage, entry + " names neither a class nor a package of the transport");
        }
    }

    /** Fails naming what {@code actual} lacks of {@code expected} and what it has besides. */
    private static void assertSame(Set<String> expected, Set<String> actual, String what) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(), what + ": missing " + missing + ", not needed " + extra);
    }

    private static void assertResolves(Entry entry) throws Exception {
        assertTrue(classExists(entry.name()), entry.name() + " does not exist");
        assertTrue(entry.condition() != null && classExists(entry.condition()), entry + ": its condition's class");
        Class<?> type = NativeImageMetadata.type(entry.name());
        for (String field : entry.fields()) {
            assertNotNull(NativeImageMetadata.field(type, field), entry.name() + " has no field " + field);
        }
        for (Member member : entry.methods()) {
            assertNotNull(NativeImageMetadata.executable(type, member), entry.name() + " has no " + member);
        }
    }

    private static List<Entry> jniEntries() throws IOException {
        return NativeImageMetadata.entries(METADATA + "jni-config.json");
    }

    private static List<Entry> reflectEntries() throws IOException {
        return NativeImageMetadata.entries(METADATA + "reflect-config.json");
    }

    private static Map<String, Entry> byName(List<Entry> entries) {
        Map<String, Entry> byName = new HashMap<>();
        for (Entry entry : entries) {
            if (byName.put(entry.name(), entry) != null) {
                fail("two entries for " + entry.name());
            }
        }
        return byName;
    }

    /** The JNI class names (dots) in unix-common's static archive: runs of printable bytes that look like one. */
    private static Set<String> archiveClassNames() throws IOException {
        byte[] archive = Files.readAllBytes(UNIX_COMMON_ARCHIVE);
        Set<String> names = new TreeSet<>();
        int start = 0;
        for (int i = 0; i <= archive.length; i++) {
            if (i == archive.length || archive[i] < 0x20 || archive[i] > 0x7e) {
                String run = new String(archive, start, i - start, StandardCharsets.US_ASCII);
                Matcher name = ARCHIVE_CLASS_NAME.matcher(run);
                if (name.matches()) {
                    names.add(run.replace('/', '.'));
                }
                start = i + 1;
            }
        }
        return names;
    }

    /** The --initialize-at-run-time entries of a native-image.properties resource (Args, with continuations). */
    private static Set<String> runTimeInitialised(String resource) throws IOException {
        java.util.Properties properties = new java.util.Properties();
        properties.load(new java.io.StringReader(NativeImageMetadata.resource(resource)));
        Set<String> entries = new TreeSet<>();
        Matcher option = Pattern.compile("--initialize-at-run-time=(\\S+)").matcher(properties.getProperty("Args", ""));
        while (option.find()) {
            entries.addAll(Arrays.asList(option.group(1).split(",")));
        }
        return entries;
    }

    private static List<Class<?>> publicChannelClasses() throws Exception {
        List<Class<?>> channels = new ArrayList<>();
        for (String name : classesUnder(classesDirectory(), "io/gonetpoll")) {
            Class<?> type = NativeImageMetadata.type(name);
            if (Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers())
                    && !type.isInterface() && Channel.class.isAssignableFrom(type)) {
                channels.add(type);
            }
        }
        return channels;
    }

    /** target/classes, where Native.class was loaded from. */
    private static Path classesDirectory() throws Exception {
        return Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Binary names of the classes under {@code root}/{@code packagePath}, nested classes included. */
    private static List<String> classesUnder(Path root, String packagePath) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve(packagePath))) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .sorted()
                    .toList();
        }
    }

    private static boolean classExists(String name) {
        try {
            NativeImageMetadata.type(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
