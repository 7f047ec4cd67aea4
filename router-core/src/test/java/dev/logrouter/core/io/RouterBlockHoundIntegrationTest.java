package dev.logrouter.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.channel.EventLoop;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What BlockHound lets an intake event loop wait for. The case that made network sources fail at random in
 * full test runs: Netty's adaptive buffer allocator, when allocations contend, grows a magazine group and
 * then frees each old magazine under that magazine's write lock, waiting if another thread is allocating from
 * it. That wait is Netty's design (a few microseconds) and happens inside a read's buffer allocation; under
 * BlockHound it was thrown as a {@code BlockingOperationError} at the read, which closed a UDP source's socket
 * or ended a TCP connection. Reached here through Netty's internals (pinned Netty version), so the exact
 * path is exercised every time rather than once in a few full runs.
 */
class RouterBlockHoundIntegrationTest {

    @Test
    void anIntakeLoopMayWaitForAMagazineWhileTheAllocatorGrows() throws Exception {
        Object pool = field(AdaptiveByteBufAllocator.class, "direct").get(new AdaptiveByteBufAllocator(true, false));
        Object group = field(pool.getClass(), "largeBufferMagazineGroup").get(pool);
        Object[] magazines = (Object[]) field(group.getClass(), "magazines").get(group);
        StampedLock busy = (StampedLock) field(magazines[0].getClass(), "allocationLock").get(magazines[0]);
        Method grow = group.getClass().getDeclaredMethod("tryExpandMagazines", int.class);
        grow.setAccessible(true);

        IntakeLoops loops = IntakeLoops.forSource("blockhound-test");
        try {
            EventLoop loop = loops.resources().onServer(true).next();
            long stamp = busy.writeLock(); // another thread allocating from the old magazine
            CompletableFuture<Object> grown = new CompletableFuture<>();
            Thread[] loopThread = new Thread[1];
            try {
                loop.execute(() -> {
                    loopThread[0] = Thread.currentThread();
                    try {
                        grown.complete(grow.invoke(group, magazines.length));
                    } catch (Throwable t) {
                        grown.completeExceptionally(t);
                    }
                });
                // the loop waits for the magazine instead of failing
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> grown.isDone()
                                || (loopThread[0] != null && loopThread[0].getState() == Thread.State.WAITING));
                assertThat(grown).as("the grow must wait for the busy magazine, not fail or skip it").isNotDone();
            } finally {
                busy.unlockWrite(stamp);
            }
            assertThat(grown.get(10, TimeUnit.SECONDS)).isEqualTo(true);
            assertThat(((Object[]) field(group.getClass(), "magazines").get(group)).length)
                    .isGreaterThan(magazines.length);
        } finally {
            loops.dispose();
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
