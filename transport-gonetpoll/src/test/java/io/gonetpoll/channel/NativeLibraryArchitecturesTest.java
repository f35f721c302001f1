package io.gonetpoll.channel;

import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JNI libraries in target/classes/META-INF/native: the one built for this machine, and on x86_64 the
 * linux-aarch_64 one cross-compiled from the same C files (transport-gonetpoll/pom.xml). No aarch64 JVM runs here,
 * so the aarch64 library is checked as a file: a 64-bit little-endian aarch64 ELF shared object exporting the same
 * functions (JNI_OnLoad, JNI_OnUnload) and needing the same libraries as the library this JVM loaded; and a JVM told
 * it runs on aarch64 must pick exactly that file, and be refused by the dynamic loader as aarch64 code.
 */
class NativeLibraryArchitecturesTest {
    private static final Map<String, Integer> MACHINE = Map.of("x86_64", ElfSharedObject.EM_X86_64,
            "aarch_64", ElfSharedObject.EM_AARCH64);
    private static final String CROSS_COMPILER = "aarch64-linux-gnu-gcc";
    private static final long CHILD_TIMEOUT_SECONDS = 60;

    /** The library of this machine: the JVM loaded it, so it is the reference for the other one. */
    @Test
    void hostLibraryIsASharedObjectForThisMachineExportingTheJniEntryPoints() throws Exception {
        GoNetpoll.ensureAvailability();
        String arch = PlatformDependent.normalizedArch();
        ElfSharedObject host = ElfSharedObject.read(library(arch));
        assertEquals(MACHINE.get(arch), host.machine, "e_machine of the " + arch + " library");
        assertTrue(host.exportedFunctions.containsAll(Set.of("JNI_OnLoad", "JNI_OnUnload")), host.exportedFunctions.toString());
        assertTrue(host.needed.contains("libc.so.6"), host.needed.toString());
    }

    @Test
    void aarch64LibraryIsAnAarch64SharedObjectLikeTheHostOne() throws Exception {
        Path aarch64 = aarch64Library();
        ElfSharedObject cross = ElfSharedObject.read(aarch64);
        assertEquals(ElfSharedObject.EM_AARCH64, cross.machine, aarch64 + ": e_machine");
        ElfSharedObject host = ElfSharedObject.read(library(PlatformDependent.normalizedArch()));
        assertEquals(host.exportedFunctions, cross.exportedFunctions, "exported functions: x86_64 (expected), aarch64");
        assertEquals(host.needed, cross.needed, "DT_NEEDED: x86_64 (expected), aarch64");
    }

    /** Netty's normalisation of os.arch, to which Native adds its prefix, names the two files the build makes. */
    @Test
    void osArchValuesMapToTheBuiltLibraries() throws Exception {
        assertEquals(NativeLibraryNames.resource("x86_64"), NativeLibraryNames.resource(NativeLibraryNames.normalizedArch("amd64")));
        assertEquals(NativeLibraryNames.resource("x86_64"), NativeLibraryNames.resource(NativeLibraryNames.normalizedArch("x86_64")));
        assertEquals(NativeLibraryNames.resource("aarch_64"), NativeLibraryNames.resource(NativeLibraryNames.normalizedArch("aarch64")));
        assertEquals(library("aarch_64"), aarch64Library());
    }

    /**
     * A child JVM with {@code -Dos.arch=aarch64}: Native must ask for the aarch64 library, and the JVM's loader,
     * which reads the ELF header, must refuse it as AARCH64 code on this machine. That shows both that Native picks
     * its file by os.arch and that the file it picks holds aarch64 code.
     */
    @Test
    void aJvmOnAarch64PicksTheAarch64Library() throws Exception {
        aarch64Library();
        assumeTrue("x86_64".equals(PlatformDependent.normalizedArch()), "needs a machine that cannot run aarch64 code");
        Path output = Files.createTempFile("arch-probe", ".txt");
        try {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dos.arch=aarch64", "-cp", System.getProperty("java.class.path"), ArchProbeMain.class.getName())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try {
                assertTrue(child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the child did not exit");
            } finally {
                child.destroyForcibly();
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(printed.contains("available=false"), printed);
            assertTrue(printed.contains("gonetpoll_native_aarch_64"), "Native asked for the aarch64 library: " + printed);
            assertTrue(printed.contains("AARCH64"), "the JVM refused it as aarch64 code: " + printed);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The aarch64 library, or a skip if this machine has no cross compiler; a failure if it has one and no file. */
    private static Path aarch64Library() throws Exception {
        Path library = library("aarch_64");
        if (!Files.isRegularFile(library)) {
            assertTrue(!onPath(CROSS_COMPILER), CROSS_COMPILER + " is on the PATH but the build made no " + library);
            abort("no " + library + ": " + CROSS_COMPILER + " is not on the PATH, so the build skipped it"
                    + " (scripts/test.sh installs gcc-aarch64-linux-gnu as root)");
        }
        return library;
    }

    private static Path library(String arch) throws Exception {
        Path classes = Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes.resolve(NativeLibraryNames.resource(arch));
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs in the child JVM: prints whether GoNetpoll loaded and, if not, every message in its cause's chain. */
    static final class ArchProbeMain {
        public static void main(String[] args) {
            System.out.println("available=" + GoNetpoll.isAvailable());
            print(GoNetpoll.unavailabilityCause(), "");
        }

        private static void print(Throwable t, String indent) {
            if (t == null) {
                return;
            }
            System.out.println(indent + t);
            for (Throwable suppressed : t.getSuppressed()) {
                print(suppressed, indent + "  ");
            }
            print(t.getCause(), indent + "  ");
        }
    }
}
