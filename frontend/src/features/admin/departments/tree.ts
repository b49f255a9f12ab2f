import type { DepartmentRead } from '../../../api/types';

export interface DepartmentNode {
  key: string;
  value: string;
  title: string;
  department: DepartmentRead;
  children: DepartmentNode[];
  disabled?: boolean;
}

/** Builds the department forest from the flat list; orphans (parent not visible) become roots. */
export function buildDepartmentTree(departments: DepartmentRead[], disabledIds: Set<string> = new Set()): DepartmentNode[] {
  const nodes = new Map<string, DepartmentNode>();
  for (const department of departments) {
    nodes.set(department.id, {
      key: department.id,
      value: department.id,
      title: department.name,
      department,
      children: [],
      disabled: disabledIds.has(department.id),
    });
  }
  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.department.parent_id ? nodes.get(node.department.parent_id) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: DepartmentNode[]) => {
    list.sort((a, b) => a.title.localeCompare(b.title));
    list.forEach((node) => sort(node.children));
  };
  sort(roots);
  return roots;
}

/** The id and every descendant id: a department cannot move below itself. */
export function selfAndDescendants(departments: DepartmentRead[], id: string): Set<string> {
  const result = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const department of departments) {
      if (department.parent_id && result.has(department.parent_id) && !result.has(department.id)) {
        result.add(department.id);
        grew = true;
      }
    }
  }
  return result;
}
