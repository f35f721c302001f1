package io.gonetpoll.channel;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A loop stayed in one turn past the stall threshold ({@link StallMonitor}); committed when the turn ends, on the
 * monitor's thread, so the event's own thread and stack are the monitor's: the loop's are fields. Rare, so enabled
 * by default.
 */
@Name("io.gonetpoll.LoopStall")
@Category({"Netty", "GoNetpoll"})
@Label("GoNetpoll Loop Stall")
@Description("An event loop ran one turn (a handler or task) past the stall threshold instead of serving its IO")
@StackTrace(false)
final class StallEvent extends jdk.jfr.Event {
    @Label("Loop")
    @Description("The loop's thread")
    String loop;

    @Label("Stall Duration")
    @Description("The whole turn, from its start to its end")
    @Timespan(Timespan.NANOSECONDS)
    long stallDuration;

    @Label("Detected After")
    @Timespan(Timespan.NANOSECONDS)
    long detectedAfter;

    @Label("Threshold")
    @Timespan(Timespan.NANOSECONDS)
    long threshold;

    @Label("Loop Stack Trace")
    @Description("The loop thread's stack when the stall was detected")
    String loopStack;
}
