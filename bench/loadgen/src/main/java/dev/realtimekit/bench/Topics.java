package dev.realtimekit.bench;

import java.util.UUID;

/** The topic groups of a run: group i is {@code private-user-<uuid_i>}, which the sample admits to uuid_i only. */
final class Topics {

    private final String[] uuids;

    Topics(int count) {
        uuids = new String[count];
        for (int i = 0; i < count; i++) {
            uuids[i] = UUID.randomUUID().toString();
        }
    }

    int count() {
        return uuids.length;
    }

    String uuid(int group) {
        return uuids[group];
    }

    String name(int group) {
        return "private-user-" + uuids[group];
    }

    /** Subscriber j of any group: names repeat across groups, which the sample allows. */
    static String user(int subscriber) {
        return "u" + subscriber;
    }
}
