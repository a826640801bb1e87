import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The SARIF multitool is a large self-contained binary; its first start can be slow.
    testTimeout: 30_000,
    allowOnly: false,
  },
});
