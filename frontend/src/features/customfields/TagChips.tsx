import { Tag } from 'antd';
import { useTagColors } from './api';

/** Customer tags in the colours of the tag catalogue. */
export function TagChips({ tags }: { tags: string[] }) {
  const colorOf = useTagColors('customer');
  return (
    <>
      {tags.map((tag) => (
        <Tag key={tag} color={colorOf(tag)} data-testid={`tag-${tag}`}>
          {tag}
        </Tag>
      ))}
    </>
  );
}
