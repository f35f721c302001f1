/**
 * The GoNetpoll transport as a Java module. It is compiled on its own into {@code META-INF/versions/17/} of a
 * multi-release jar, as Netty ships its own descriptors (under {@code META-INF/versions/11/}): on the module path the
 * JDK reads it from there, on the class path it is ignored, and the build compiles and tests the classes on the class
 * path, where the unit tests share the transport's package.
 *
 * <p>Native access: Netty's io.netty.common loads the JNI library (NativeLibraryLoader), so that is the module that
 * needs {@code --enable-native-access} on JDK 24 and later (README, Requirements); binding the natives of this
 * module's classes is not a restricted operation.
 */
module io.gonetpoll.transport {
    // Transitive: the exported API shows their types (channels, unix channel options, executors of io.netty.common).
    requires transitive io.netty.common;
    requires transitive io.netty.transport;
    requires transitive io.netty.transport.unix.common;
    requires io.netty.buffer;
    // Optional: JFR events and loop MXBeans are used only where these modules are present (JfrEvents, LoopMXBean).
    requires static jdk.jfr;
    requires static java.management;

    exports io.gonetpoll.channel;
}
