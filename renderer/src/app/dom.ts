/** The element with `data-testid="id"`: every control and readout has one (see e2e/README.md). */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const element = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`missing element [data-testid="${id}"]`);
  return element;
}

/** Sets an element's text only when it differs: the same text set again would still be laid out and painted again. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** A new element with attributes (`class`, `data-testid`, …) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Sets a readout's text and its machine-readable value (`data-value`) for tests and scripts. */
export function setReadout(element: HTMLElement, text: string, value: string | number = text): void {
  element.textContent = text;
  element.dataset.value = String(value);
}
