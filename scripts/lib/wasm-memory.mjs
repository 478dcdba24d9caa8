// Reads how a wasm binary gets its memory, straight from the binary's import and memory
// sections, so the build can prove the threaded module really has shared memory
// (wasm-bindgen exits 0 even when it does not; see ../shared/NOTES-toolchain.md).

function readU32(bytes, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[pos.at++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return result >>> 0;
}

function readName(bytes, pos) {
  const len = readU32(bytes, pos);
  const s = new TextDecoder().decode(bytes.subarray(pos.at, pos.at + len));
  pos.at += len;
  return s;
}

function readLimits(bytes, pos) {
  const flags = bytes[pos.at++];
  const initial = readU32(bytes, pos);
  const maximum = flags & 1 ? readU32(bytes, pos) : null;
  return { shared: (flags & 2) !== 0, initial, maximum };
}

/** Returns `[{ imported, shared, initial, maximum }]` for each memory of the module. */
export function memoriesOf(bytes) {
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('not a wasm binary');
  }
  const memories = [];
  const pos = { at: 8 };
  while (pos.at < bytes.length) {
    const id = bytes[pos.at++];
    const size = readU32(bytes, pos);
    const end = pos.at + size;
    if (id === 2) {
      const count = readU32(bytes, pos);
      for (let i = 0; i < count; i++) {
        readName(bytes, pos);
        readName(bytes, pos);
        const kind = bytes[pos.at++];
        if (kind === 0) readU32(bytes, pos); // function: type index
        else if (kind === 1) { pos.at++; readLimits(bytes, pos); } // table: reftype + limits
        else if (kind === 2) memories.push({ imported: true, ...readLimits(bytes, pos) });
        else if (kind === 3) pos.at += 2; // global: valtype + mutability
        else if (kind === 4) { pos.at++; readU32(bytes, pos); } // tag
        else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 5) {
      const count = readU32(bytes, pos);
      for (let i = 0; i < count; i++) memories.push({ imported: false, ...readLimits(bytes, pos) });
    }
    pos.at = end;
  }
  return memories;
}
