/** Small helpers to write the XML the query protocols answer with. */

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** `<name>text</name>`, or nothing when the value is absent. */
export function leaf(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  const text =
    typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : JSON.stringify(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<name>children</name>` with already rendered children. */
export function node(name: string, ...children: string[]): string {
  const inner = children.join("");
  return inner === "" ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}

/** A list as the protocol wraps its members (`member` for IAM and STS, `item` for EC2). */
export function list<T>(
  name: string,
  items: readonly T[] | undefined,
  render: (item: T) => string,
  member: string,
): string {
  if (items === undefined) return "";
  return node(name, ...items.map((item) => `<${member}>${render(item)}</${member}>`));
}
