package io.gonetpoll.leakcheck;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LeakCheckExtension} itself: a test class that leaks a buffer fails, named, and one that releases its buffers
 * passes. Each runs through the JUnit Platform Launcher in this JVM, with the extension autodetected as in the build's
 * own run; they run only there ({@link OnlyWhenLaunchedHere}).
 */
class LeakCheckExtensionTest {
    private static final String LAUNCHED_HERE = "gonetpoll.leakcheck.launchedByLeakCheckExtensionTest";

    @Test
    void aClassThatLeaksABufferFailsAndIsNamed() {
        Results results = launch(Leaking.class);
        TestExecutionResult leaking = results.of(Leaking.class.getName());
        assertEquals(TestExecutionResult.Status.FAILED, leaking.getStatus(), results::toString);
        String message = leaking.getThrowable().orElseThrow().getMessage();
        assertTrue(message.contains("while " + Leaking.class.getName() + " ran"), message);
        assertTrue(message.contains("methods of the test class in its records: " + Leaking.class.getName()
                + ".leaksABuffer ---"), "the test that leaked is named: " + message);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, results.of("leaksABuffer()").getStatus(),
                "the leak is the class's failure, not the test's: " + results);
    }

    @Test
    void aClassThatReleasesItsBuffersPasses() {
        Results results = launch(Releasing.class);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, results.of(Releasing.class.getName()).getStatus(),
                results::toString);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, results.of("releasesItsBuffer()").getStatus(),
                results::toString);
    }

    private static Results launch(Class<?> testClass) {
        Results results = new Results();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(testClass))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter(LAUNCHED_HERE, "true")
                .build(), results);
        return results;
    }

    /** Results by legacy reporting name: the class's name for a class, {@code method()} for a test. */
    private static final class Results implements TestExecutionListener {
        private final Map<String, TestExecutionResult> byName = new LinkedHashMap<>();

        @Override
        public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
            byName.put(identifier.getLegacyReportingName(), result);
        }

        TestExecutionResult of(String name) {
            return Optional.ofNullable(byName.get(name)).orElseThrow(() -> new AssertionError(name + " did not run: "
                    + this));
        }

        @Override
        public String toString() {
            return byName.toString();
        }
    }

    /** A direct buffer: Netty's unpooled allocator does not track its heap buffers. */
    @ExtendWith(OnlyWhenLaunchedHere.class)
    static class Leaking {
        @Test
        void leaksABuffer() {
            UnpooledByteBufAllocator.DEFAULT.directBuffer(16).writeInt(42);
        }
    }

    @ExtendWith(OnlyWhenLaunchedHere.class)
    static class Releasing {
        @Test
        void releasesItsBuffer() {
            ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer(16).writeInt(42);
            buffer.release();
        }
    }

    /** Keeps the classes above out of every run but this test's launches (an IDE runs static nested classes). */
    static final class OnlyWhenLaunchedHere implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(LAUNCHED_HERE).isPresent()
                    ? ConditionEvaluationResult.enabled("launched by " + LeakCheckExtensionTest.class.getSimpleName())
                    : ConditionEvaluationResult.disabled("runs only when launched by "
                            + LeakCheckExtensionTest.class.getSimpleName());
        }
    }
}
