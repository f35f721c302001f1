package io.gonetpoll.channel;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The list of natives the linked libnetty-unix-common.a implements is the list the build's own
 * {@code io.netty.channel.unix} classes declare (the archive and the classes come from the same Netty release),
 * and the fill-ins are natives those classes do not declare: later releases' additions.
 */
class UnixNativesTest {
    @Test
    void theLinkedListIsWhatTheBuildsClassesDeclare() {
        Set<String> declared = UnixNatives.declared();
        Set<String> linked = new TreeSet<>(UnixNatives.linked());
        assertEquals(declared, linked);
        assertTrue(linked.size() > 50, "a real list: " + linked.size());
    }

    @Test
    void fillInsAreNativesTheBuildsClassesDoNotDeclare() {
        for (String fillIn : UnixNatives.FILL_INS) {
            assertTrue(!UnixNatives.declared().contains(fillIn), fillIn + " is the archive's own");
        }
    }

    @Test
    void theBuildsNettyIsServed() {
        assertNull(UnixNatives.unimplemented());
    }
}
