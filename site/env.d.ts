/// <reference types="astro/client" />

// What the one server process (api/server/server.ts) passes to every Astro page in `locals`.
declare namespace App {
  interface Locals {
    herald: {
      deps: import('../api/core/deps.ts').AppDeps;
      /** The Hono app: pages and console forms go through it, never through SQL. */
      app: import('../api/app.ts').App;
      /** The signed-in user, or null. */
      actor: import('../api/core/actor.ts').Actor | null;
      /** The socket's address of the request (absent under `astro dev` and for cached renders). */
      clientAddress?: string;
    };
  }
}
