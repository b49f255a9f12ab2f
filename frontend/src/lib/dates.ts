import dayjs from 'dayjs';

/** A server date or timestamp as a calendar day ("—" when there is none). */
export const day = (value: string | null | undefined) => (value ? dayjs(value).format('YYYY-MM-DD') : '—');

/** A server timestamp to the minute, in the browser's time zone ("—" when there is none). */
export const time = (value: string | null | undefined) => (value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—');
