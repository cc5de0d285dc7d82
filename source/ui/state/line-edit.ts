/** One-line text editing for the prompts, key by key: the new value, or 'submit' / 'cancel'. */
export function editLine(value: string, key: string): string | 'submit' | 'cancel' {
  switch (key) {
    case 'enter':
      return 'submit';
    case 'escape':
      return 'cancel';
    case 'backspace':
      return [...value].slice(0, -1).join('');
    case 'ctrl+u':
      return '';
    case 'ctrl+w':
      return value.replace(/\S+\s*$/, '');
    case 'space':
      return value + ' ';
  }
  // A printable character (not a named key such as 'up' or 'ctrl+x').
  return [...key].length === 1 && !/[\x00-\x1f\x7f-\x9f]/.test(key) ? value + key : value;
}
