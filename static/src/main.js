// Entry point of the browser client (filled in by the client work).
import * as Y from "yjs";
export const doc = new Y.Doc();
