"""The reviewer's workspace: settle a thread's labels into gold."""
