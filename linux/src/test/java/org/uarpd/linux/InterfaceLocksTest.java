package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-interface lock: abstract AF_UNIX names need no privilege and no file. */
class InterfaceLocksTest {
    private final String a = "lk" + ProcessHandle.current().pid() + "a";
    private final String b = "lk" + ProcessHandle.current().pid() + "b";

    @Test
    void aHeldInterfaceIsRefusedNamingTheHolderAndARefusalTakesNothing() {
        try (InterfaceLocks first = InterfaceLocks.take(List.of(b))) {
            assertThatThrownBy(() -> InterfaceLocks.take(List.of(a, b)))
                    .hasMessageContaining(b + " is already served by another uarpd (pid " + ProcessHandle.current().pid() + ")");
            // The refused take released the lock of a it had already taken.
            InterfaceLocks.take(List.of(a)).close();
        }
        // Released: taken again at once.
        InterfaceLocks.take(List.of(a, b)).close();
    }
}
