package io.gonetpoll.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDK running the tests and the others installed where Debian and Ubuntu put them ({@code /usr/lib/jvm}), for
 * tests of what only newer JDKs do (JDK 24 warns about JNI in code without native access). A JDK is a directory
 * with {@code bin/java} and a {@code release} file naming its version.
 */
final class Jdks {
    private static final Path INSTALLED = Path.of("/usr/lib/jvm");
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdks() {
    }

    /** The {@code java} of the newest JDK whose feature version is at least {@code feature}, if there is one. */
    static Optional<Path> javaAtLeast(int feature) throws IOException {
        Path best = null;
        int bestFeature = -1;
        if (Runtime.version().feature() >= feature) {
            best = Path.of(ChildProcess.javaExecutable());
            bestFeature = Runtime.version().feature();
        }
        if (Files.isDirectory(INSTALLED)) {
            try (DirectoryStream<Path> jdks = Files.newDirectoryStream(INSTALLED)) {
                for (Path jdk : jdks) {
                    Path java = jdk.resolve("bin").resolve("java");
                    Path release = jdk.resolve("release");
                    if (!Files.isExecutable(java) || !Files.isRegularFile(release)) {
                        continue;
                    }
                    Matcher version = JAVA_VERSION.matcher(Files.readString(release));
                    if (version.find() && Integer.parseInt(version.group(1)) >= feature
                            && Integer.parseInt(version.group(1)) > bestFeature) {
                        best = java;
                        bestFeature = Integer.parseInt(version.group(1));
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
